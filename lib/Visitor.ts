import { ILivechatCreator } from '@rocket.chat/apps-engine/definition/accessors';
import { IVisitor } from '@rocket.chat/apps-engine/definition/livechat';
import { VisitorFields } from './RoomRequest';

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

type CreatorWithReturn = ILivechatCreator & { createAndReturnVisitor?: (visitor: IVisitor) => Promise<IVisitor | undefined> };

/**
 * Creates or updates the visitor (Rocket.Chat upserts by token). Uses
 * `createAndReturnVisitor` where the server has it (Apps-Engine ≥ 1.43,
 * Rocket.Chat 6.x later releases, 7, 8); `createVisitor`, deprecated there, is
 * the fallback for older servers the app still supports.
 */
export async function saveVisitor(
    creator: ILivechatCreator, visitor: IVisitor, reload: (token: string) => Promise<IVisitor | undefined>,
): Promise<IVisitor | undefined> {
    const modern = creator as CreatorWithReturn;
    if (typeof modern.createAndReturnVisitor === 'function') {
        return modern.createAndReturnVisitor(visitor);
    }
    await creator.createVisitor(visitor);
    return reload(visitor.token);
}
