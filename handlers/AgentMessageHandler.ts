import { IMessage } from '@rocket.chat/apps-engine/definition/messages';
import { toWebhookAttachment, uploadedFiles } from '../lib/messages/Attachments';
import { shortcodesToUnicode } from '../lib/emoji/Emoji';
import { isAgentMessage } from '../lib/messages/MessageFilter';
import { Runtime } from '../lib/core/Runtime';
import { Accessors } from '../lib/core/Accessors';
import { storeOf } from '../lib/tickets/RoomAccess';
import { agentMessagePayload } from '../lib/delivery/WebhookPayloads';

/** IPostMessageSent: an agent's reply in one of our rooms becomes an agent-message webhook. */
export class AgentMessageHandler {
    constructor(private readonly runtime: Runtime, private readonly a: Accessors) {}

    public async run(message: IMessage): Promise<void> {
        if (!isAgentMessage(message)) {
            return;
        }
        const { ticket, records } = await storeOf(this.a).inRoom(message.room.id);
        const sentAt = message.createdAt ? new Date(message.createdAt).getTime() : this.runtime.now();
        // A message sent just before the room closed may be handled just after; it still belongs to the ticket.
        if (!ticket || (ticket.closedAt !== undefined && sentAt > ticket.closedAt)) {
            return;
        }
        const files = uploadedFiles(message);
        const siteUrl = files.length > 0 ? await this.runtime.siteUrl(this.a.read) : '';
        const text = shortcodesToUnicode(message.text || '');
        const attachments = files.map((file) => toWebhookAttachment(siteUrl, file));
        if (text.trim() === '' && attachments.length === 0) {
            return;
        }
        const outbox = this.runtime.outbox(this.a.read, this.a.modify, this.a.http, this.a.persis, this.a.logger);
        const origin = message.id
            ? { roomId: message.room.id, messageId: message.id, senderId: message.sender.id, closed: ticket.state !== 'open' || undefined }
            : undefined;
        const payload = agentMessagePayload(ticket.ticketId, ticket.visitor.token, text, attachments);
        await outbox.enqueue(payload, sentAt, origin, origin && ticket.roomQueue ? records : undefined);
    }
}
