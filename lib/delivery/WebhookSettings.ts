import { IPersistence, IPersistenceRead } from '@rocket.chat/apps-engine/definition/accessors';
import { Keys } from '../core/Associations';

interface WebhookRecord {
    url: string;
    updatedAt: number;
}

/** The callback URL RapidPro registers with PUT /settings; persisted so it survives restarts and updates. */
export async function readWebhookUrl(reader: IPersistenceRead): Promise<string | undefined> {
    const [record] = (await reader.readByAssociation(Keys.webhookSettings())) as Array<WebhookRecord>;
    return record && record.url ? record.url : undefined;
}

export async function saveWebhookUrl(persis: IPersistence, url: string, now: number): Promise<void> {
    const record: WebhookRecord = { url, updatedAt: now };
    await persis.updateByAssociation(Keys.webhookSettings(), record, true);
}
