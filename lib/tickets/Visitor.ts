import { ILivechatCreator, ILivechatRead } from '@rocket.chat/apps-engine/definition/accessors';
import { IVisitor } from '@rocket.chat/apps-engine/definition/livechat';
import { VisitorFields } from '../requests/RoomRequest';
import { TicketVisitor } from './TicketStore';

/** Shown in Rocket.Chat when RapidPro sends no name (the real client omits empty ones). */
export const fallbackName = (token: string) => `RapidPro contact ${token}`;

/**
 * The visitor to save: what RapidPro sent, and for fields it left out, what
 * Rocket.Chat already has. Name, email and phone are only ever set when given.
 */
export function visitorToSave(fields: VisitorFields, existing: IVisitor | undefined, departmentId: string | undefined): IVisitor {
    const visitor: IVisitor = {
        token: fields.token,
        username: existing ? existing.username : '',
        name: fields.name || (existing && existing.name) || fallbackName(fields.token),
    };
    if (existing && existing.id) {
        visitor.id = existing.id;
    }
    if (fields.email) {
        visitor.visitorEmails = [{ address: fields.email }];
    }
    if (fields.phone) {
        visitor.phone = [{ phoneNumber: fields.phone }];
    }
    if (departmentId) {
        visitor.department = departmentId;
    }
    return visitor;
}

/**
 * The visitor Rocket.Chat already has for these fields, for what RapidPro left out (a
 * name above all: the real client sends none for a nameless contact). Rocket.Chat
 * matches by token, then phone, then email; the later look-ups are only made for a
 * contact without a name, so a known visitor's name is not replaced by the fallback.
 */
export async function knownVisitor(fields: VisitorFields, livechat: ILivechatRead): Promise<IVisitor | undefined> {
    const byToken = await livechat.getLivechatVisitorByToken(fields.token);
    if (byToken || fields.name) {
        return byToken;
    }
    const byPhone = fields.phone ? await livechat.getLivechatVisitorByPhoneNumber(fields.phone) : undefined;
    return byPhone || (fields.email ? await livechat.getLivechatVisitorByEmail(fields.email) : undefined);
}

/** The ticket's visitor as Rocket.Chat knows it: its id and its own token. */
export function rocketChatVisitor(visitor: TicketVisitor): IVisitor {
    const { id, username, name } = visitor;
    return { id, username, name, token: visitor.rocketChatToken || visitor.token } as IVisitor;
}

/** What the ticket keeps of the visitor Rocket.Chat saved for RapidPro's token. */
export function ticketVisitor(token: string, saved: IVisitor): TicketVisitor {
    const visitor: TicketVisitor = { id: saved.id as string, token, username: saved.username, name: saved.name };
    if (saved.token !== token) {
        visitor.rocketChatToken = saved.token;
    }
    return visitor;
}

type CreatorWithReturn = ILivechatCreator & { createAndReturnVisitor?: (visitor: IVisitor) => Promise<IVisitor | undefined> };

/**
 * Creates or updates the visitor and returns the one Rocket.Chat saved, which may be
 * another visitor with another token (matched by phone or email). Uses
 * `createAndReturnVisitor` where the server has it (Apps-Engine ≥ 1.43,
 * Rocket.Chat 6.x later releases, 7, 8); `createVisitor`, deprecated there, is
 * the fallback for older servers, read back by the id it answers (not by the
 * token sent, which a phone match leaves unused).
 */
export async function saveVisitor(
    creator: ILivechatCreator, visitor: IVisitor, reload: (id: string) => Promise<IVisitor | undefined>,
): Promise<IVisitor | undefined> {
    const modern = creator as CreatorWithReturn;
    if (typeof modern.createAndReturnVisitor === 'function') {
        return modern.createAndReturnVisitor(visitor);
    }
    return reload(await creator.createVisitor(visitor));
}
