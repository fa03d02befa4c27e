import { FieldReader, JsonObject } from './FieldReader';
import { Limits } from '../core/Limits';

export interface VisitorFields {
    token: string;
    contactUuid?: string;
    department?: string;
    name?: string;
    email?: string;
    phone?: string;
    /** Pairs, not an object: keys come from the client and must never become properties. */
    customFields: Array<[string, string]>;
}

export interface RoomRequest {
    ticketId: string;
    priority?: string;
    sessionStart?: string;
    visitor: VisitorFields;
}

/** Both spellings of each field, as the README and the real client disagree (PROTOCOL §1). */
export const FieldNames = {
    ticketId: ['ticketId', 'ticketID'],
    contactUuid: ['contactUuid', 'contactUUID'],
    department: ['department', 'deparment'],
};

/** `visitor.token`: a string, or the contact's numeric id as RapidPro sends it. */
export function readVisitorToken(fields: FieldReader, body: JsonObject): string {
    const visitor = fields.object(body, ['visitor'], 'visitor', true);
    const token = visitor ? fields.stringOrNumber(visitor, ['token'], 'visitor.token', Limits.idLength, true) : undefined;
    return token || '';
}

export function parseRoomRequest(body: JsonObject): RoomRequest {
    const fields = new FieldReader();
    const ticketId = fields.stringOrNumber(body, FieldNames.ticketId, 'ticketId', Limits.idLength, true) || '';
    const priority = fields.stringOrNumber(body, ['priority'], 'priority', Limits.priorityLength);
    const sessionStart = fields.string(body, ['sessionStart'], 'sessionStart', Limits.idLength);
    const token = readVisitorToken(fields, body);
    const visitor = new FieldReader().object(body, ['visitor'], 'visitor'); // readVisitorToken has reported its problems
    const customFields = readCustomFields(fields, fields.object(visitor, ['customFields'], 'visitor.customFields'));
    const result: RoomRequest = {
        ticketId,
        priority,
        sessionStart,
        visitor: {
            token,
            contactUuid: fields.string(visitor, FieldNames.contactUuid, 'visitor.contactUuid', Limits.idLength),
            department: fields.string(visitor, FieldNames.department, 'visitor.department', Limits.idLength),
            name: fields.string(visitor, ['name'], 'visitor.name', Limits.nameLength),
            email: fields.string(visitor, ['email'], 'visitor.email', Limits.nameLength),
            phone: fields.stringOrNumber(visitor, ['phone'], 'visitor.phone', Limits.phoneLength),
            customFields,
        },
    };
    fields.finish();
    return result;
}

function readCustomFields(fields: FieldReader, raw: JsonObject | undefined): Array<[string, string]> {
    if (!raw) {
        return [];
    }
    const keys = Object.keys(raw);
    if (keys.length > Limits.customFields) {
        fields.problem(`visitor.customFields has more than ${Limits.customFields} keys`);
        return [];
    }
    const pairs: Array<[string, string]> = [];
    for (const key of keys) {
        const value = raw[key];
        const label = `visitor.customFields.${key.slice(0, Limits.idLength)}`;
        if (key.length > Limits.idLength) {
            fields.problem(`${label} has a key longer than ${Limits.idLength} characters`);
        } else if (value === null || value === undefined) {
            continue;
        } else if (typeof value === 'number' || typeof value === 'boolean') {
            pairs.push([key, String(value)]);
        } else {
            const text = fields.checkString(value, label, Limits.customFieldValueLength);
            if (text !== undefined) {
                pairs.push([key, text]);
            }
        }
    }
    return pairs;
}
