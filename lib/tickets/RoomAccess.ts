import { ILivechatRoom } from '@rocket.chat/apps-engine/definition/livechat';
import { Accessors } from '../core/Accessors';
import { messageOf, unavailable } from '../core/AppError';
import { TicketStore } from './TicketStore';

/** The comment on a room closed because RapidPro asked (/room.close). */
export const CLOSED_BY_RAPIDPRO = 'Closed by RapidPro';

export const storeOf = (a: Accessors) => new TicketStore(a.read.getPersistenceReader(), a.persis);

/** Whether Rocket.Chat still has the room open: the store may not have heard of a close yet. */
export async function roomIsOpen(a: Accessors, roomId: string): Promise<boolean> {
    const room = (await a.read.getRoomReader().getById(roomId)) as ILivechatRoom | undefined;
    return !!room && room.isOpen === true;
}

/** Runs a Rocket.Chat call whose failure the client may retry: logged in full, answered 503. */
export async function rocketChat<T>(what: string, a: Accessors, call: () => Promise<T>): Promise<T> {
    try {
        return await call();
    } catch (e) {
        a.logger.error(`Rocket.Chat could not ${what}: ${messageOf(e)}`);
        throw unavailable(`Rocket.Chat could not ${what} now`);
    }
}
