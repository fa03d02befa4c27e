import { FieldReader, isJsonObject, JsonObject } from './FieldReader';
import { Limits } from '../core/Limits';
import { readVisitorToken } from './RoomRequest';
import { isHttpUrl } from '../core/Url';

export interface IncomingAttachment {
    /** A MIME type, e.g. `image/jpeg`. */
    type: string;
    url: string;
}

export interface VisitorMessageRequest {
    token: string;
    text: string;
    attachments: Array<IncomingAttachment>;
}

export function parseVisitorMessageRequest(body: JsonObject): VisitorMessageRequest {
    const fields = new FieldReader();
    const token = readVisitorToken(fields, body);
    const problemsBefore = fields.problemCount();
    const text = fields.string(body, ['text'], 'text', Limits.textLength) || '';
    const raw = fields.array(body, ['attachments'], 'attachments', Limits.attachments) || [];
    const attachments: Array<IncomingAttachment> = [];
    raw.forEach((item, index) => {
        const label = `attachments[${index}]`;
        if (!isJsonObject(item)) {
            fields.problem(`${label} must be an object`);
            return;
        }
        const type = fields.string(item, ['type'], `${label}.type`, Limits.idLength, true);
        const url = fields.string(item, ['url'], `${label}.url`, Limits.urlLength, true);
        if (url !== undefined && !isHttpUrl(url)) {
            fields.problem(`${label}.url must be an absolute http(s) URL`);
        } else if (type !== undefined && url !== undefined) {
            attachments.push({ type: type.toLowerCase(), url });
        }
    });
    // A text that is too long or a list that is not one was sent, and has its own problem already.
    if (text.trim() === '' && raw.length === 0 && fields.problemCount() === problemsBefore) {
        fields.problem('text or attachments is required');
    }
    fields.finish();
    return { token, text, attachments };
}
