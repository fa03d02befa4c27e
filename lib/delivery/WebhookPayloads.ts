/** Webhook event types (PROTOCOL §3). */
export const EventType = {
    AgentMessage: 'agent-message',
    CloseRoom: 'close-room',
};

export interface WebhookAttachment {
    type: string;
    url: string;
}

export interface AgentMessagePayload {
    type: string;
    ticketId: string;
    visitor: { token: string };
    data: { text: string; attachments: Array<WebhookAttachment> };
}

export interface CloseRoomPayload {
    type: string;
    ticketId: string;
    visitor: { token: string };
}

export type WebhookPayload = AgentMessagePayload | CloseRoomPayload;

export function agentMessagePayload(ticketId: string, token: string, text: string, attachments: Array<WebhookAttachment>): AgentMessagePayload {
    return { type: EventType.AgentMessage, ticketId, visitor: { token }, data: { text, attachments } };
}

export function closeRoomPayload(ticketId: string, token: string): CloseRoomPayload {
    return { type: EventType.CloseRoom, ticketId, visitor: { token } };
}
