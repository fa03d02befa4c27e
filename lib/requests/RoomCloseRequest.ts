import { FieldReader, JsonObject } from './FieldReader';
import { Limits } from '../core/Limits';
import { FieldNames, readVisitorToken } from './RoomRequest';

export interface RoomCloseRequest {
    token: string;
    /** When given, only this ticket's room is closed. */
    ticketId?: string;
}

export function parseRoomCloseRequest(body: JsonObject): RoomCloseRequest {
    const fields = new FieldReader();
    const token = readVisitorToken(fields, body);
    const ticketId = fields.stringOrNumber(body, FieldNames.ticketId, 'ticketId', Limits.idLength);
    fields.finish();
    return { token, ticketId };
}
