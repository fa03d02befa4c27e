import { FieldReader, JsonObject } from './FieldReader';
import { Limits } from '../core/Limits';
import { isHttpUrl } from '../core/Url';

export function parseWebhookUrl(body: JsonObject): string {
    const fields = new FieldReader();
    const webhook = fields.object(body, ['webhook'], 'webhook', true);
    const url = webhook ? fields.string(webhook, ['url'], 'webhook.url', Limits.urlLength, true) : undefined;
    if (url !== undefined && !isHttpUrl(url.trim())) {
        fields.problem('webhook.url must be an absolute http(s) URL');
    }
    fields.finish();
    return (url || '').trim();
}
