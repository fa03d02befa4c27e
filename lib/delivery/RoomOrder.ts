/**
 * The order check before an agent message is sent: has the same agent an
 * earlier reply in the room whose event has not reached the queue yet?
 *
 * In a cluster each instance fires the events of the messages it saved, so an
 * agent's two quick replies through two instances are handled by two app
 * runtimes at once, and the later one can reach the queue first (one runtime
 * was seen seconds behind the other under load). The room itself knows the
 * order: Rocket.Chat saves a message before it fires its event, so an earlier
 * reply is already in the room when the later one is handled.
 */

/** A message as the room read returns it: Rocket.Chat's IMessageRaw (`convertMessageRaw`), only what the check needs. */
export interface RoomMessage {
    id: string;
    sender?: { _id?: string; id?: string };
    createdAt?: Date | string;
    text?: string;
    /** Set on system messages (joins, transfers, closing), which raise no agent-message. */
    type?: string;
    /** Set on the visitor's messages. */
    token?: string;
    file?: unknown;
    attachments?: Array<unknown>;
}

/** Where an agent message came from. */
export interface MessageOrigin {
    roomId: string;
    messageId: string;
    senderId: string;
    /** The ticket was closed when the message was handled (it was written just before): no reply after it needs the check. */
    closed?: boolean;
}

/**
 * How long a later reply waits for an earlier one's event. Past this the
 * earlier event is taken as lost with its instance (Rocket.Chat does not
 * retry an event whose handler died) and the later reply goes.
 */
export const ORDER_WAIT_MS = 10000;

/** The newest messages read from the room (at most 100 per read, the engine's limit). */
export const ROOM_LOOKBACK = 50;

/** Earlier replies can still be missing only after the ticket's last sent one, and within ORDER_WAIT_MS. */
export function orderWindowStart(sentUpTo: number | undefined, now: number): number {
    return Math.max(sentUpTo === undefined ? -Infinity : sentUpTo, now - ORDER_WAIT_MS);
}

const timeOf = (m: RoomMessage) => (m.createdAt ? new Date(m.createdAt).getTime() : NaN);
const senderOf = (m: RoomMessage) => (m.sender ? m.sender._id || m.sender.id : undefined);
/** What the agent-message handler would forward: text or a file (lib/messages, handlers/AgentMessageHandler). */
const hasContent = (m: RoomMessage) => (m.text || '').trim() !== '' || !!m.file || (m.attachments || []).length > 0;

/**
 * The replies of the head's sender written before it (from `since` on) that
 * are not in its queue: their events have not been stored yet. Only the same
 * sender counts: the order of two people's messages at one moment means
 * nothing, and a bot's or the app's own messages never raise an event.
 */
export function missingBefore(
    head: { eventTime: number; origin: MessageOrigin },
    messages: Array<RoomMessage>,
    queued: Array<string>,
    since: number,
): Array<RoomMessage> {
    return messages.filter((m) => m.id !== head.origin.messageId
        && senderOf(m) === head.origin.senderId
        && !m.type && !m.token && hasContent(m)
        && timeOf(m) > since && timeOf(m) <= head.eventTime
        && queued.indexOf(m.id) < 0);
}
