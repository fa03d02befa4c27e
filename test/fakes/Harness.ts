import { IApiResponse } from '@rocket.chat/apps-engine/definition/api';
import { IApp } from '@rocket.chat/apps-engine/definition/IApp';
import { ILivechatRoom } from '@rocket.chat/apps-engine/definition/livechat';
import { IMessage } from '@rocket.chat/apps-engine/definition/messages';
import { IRoom, RoomType } from '@rocket.chat/apps-engine/definition/rooms';
import { IUser, UserType } from '@rocket.chat/apps-engine/definition/users';
import { RoomCloseEndpoint } from '../../endpoints/RoomCloseEndpoint';
import { RoomEndpoint } from '../../endpoints/RoomEndpoint';
import { SecretCheckEndpoint } from '../../endpoints/SecretCheckEndpoint';
import { SettingsEndpoint } from '../../endpoints/SettingsEndpoint';
import { VisitorMessageEndpoint } from '../../endpoints/VisitorMessageEndpoint';
import { AgentMessageHandler } from '../../handlers/AgentMessageHandler';
import { RoomClosedHandler } from '../../handlers/RoomClosedHandler';
import { Keys } from '../../lib/core/Associations';
import { jobs } from '../../lib/jobs/Jobs';
import { Runtime } from '../../lib/core/Runtime';
import { Ticket } from '../../lib/tickets/TicketStore';
import { SettingId } from '../../settings/SettingId';
import { Clock } from './Clock';
import { apiRequest, endpointInfo, handlerOf, Headers, Method, rapidProHeaders, SECRET } from './Requests';
import { World } from './World';
import { keyOf } from './FakePersistence';

/** Closed tickets are filed by minute slot (`tickets:closed-at:<slot>`): any slot's key without the number. */
const CLOSED_PREFIX = keyOf(Keys.closedSlot(0)).replace(/0$/, '');

export const APP_ID = 'c93eb373-58a2-4a28-adf8-639985c36b5e';
export const WEBHOOK_URL = 'https://rapidpro.example.com/mr/tickets/types/rocketchat/event_callback/2a2b5c1e-1111-4c4c-9d9d-000000000001';

/** A fake app object: all the endpoints need from it is the logger. */
export const fakeApp = (world: World) => ({ getLogger: () => world.logger.asLogger(), getID: () => APP_ID }) as unknown as IApp;

let messageSeq = 0;

/**
 * The app wired over one World with a controllable clock, the way TicketsApp
 * wires it: endpoints, handlers and scheduler jobs sharing one Runtime.
 * `restart()` builds a new Runtime and endpoints over the same persisted world.
 */
export class Harness {
    public readonly clock = new Clock();
    public readonly world = new World(this.clock.now);
    public runtime!: Runtime;
    public endpoints!: {
        secretCheck: SecretCheckEndpoint;
        settings: SettingsEndpoint;
        room: RoomEndpoint;
        roomClose: RoomCloseEndpoint;
        visitorMessage: VisitorMessageEndpoint;
    };

    /** By default: the secret is set, the webhook URL registered, and Rocket.Chat fires the close event while closing. */
    constructor(options: { secret?: string; webhookUrl?: string; closeEventDuringClose?: boolean } = {}) {
        const { secret = SECRET, webhookUrl = WEBHOOK_URL, closeEventDuringClose = true } = options;
        this.restart();
        if (secret) {
            this.world.settings[SettingId.AppSecret] = secret;
        }
        if (webhookUrl) {
            void this.world.persistence.updateByAssociation(Keys.webhookSettings(), { url: webhookUrl, updatedAt: this.clock.now() }, true);
        }
        if (closeEventDuringClose) {
            this.world.rc.onRoomClosed = (room) => this.roomClosed(room);
        }
    }

    public restart(): void {
        this.runtime = new Runtime(APP_ID, this.world.logger.asLogger(), this.clock.now);
        const app = fakeApp(this.world);
        this.endpoints = {
            secretCheck: new SecretCheckEndpoint(app, this.runtime),
            settings: new SettingsEndpoint(app, this.runtime),
            room: new RoomEndpoint(app, this.runtime),
            roomClose: new RoomCloseEndpoint(app, this.runtime),
            visitorMessage: new VisitorMessageEndpoint(app, this.runtime),
        };
    }

    /** Changes an app setting the way an admin does (the app is told, and drops its cache). */
    public setSetting(id: string, value: unknown): void {
        this.world.settings[id] = value;
        this.runtime.settingsChanged();
    }

    public async call(endpoint: keyof Harness['endpoints'], method: Method, body: unknown, headers: Headers = rapidProHeaders()): Promise<IApiResponse> {
        const target = this.endpoints[endpoint];
        const serve = handlerOf(target, method);
        if (!serve) {
            throw new Error(`${endpoint} does not answer ${method}`);
        }
        const w = this.world;
        return serve.call(target, apiRequest(method, body, headers), endpointInfo(target.path), w.read, w.modify, w.http, w.persis);
    }

    /** GET /room as mailroom sends it; returns the room id (fails the test on anything but 200). */
    public async openRoom(ticketId: string, token: string, visitor: { [key: string]: unknown } = {}, extra: { [key: string]: unknown } = {}): Promise<string> {
        const response = await this.call('room', 'get', { ticketID: ticketId, ...extra, visitor: { token, ...visitor } });
        if (response.status !== 200) {
            throw new Error(`GET /room answered ${response.status} ${JSON.stringify(response.content)}`);
        }
        return response.content.id;
    }

    /** IPostMessageSent for an agent's message in `roomId`. */
    public async agentSays(roomId: string, text: string, extra: Partial<IMessage> & { [key: string]: unknown } = {}): Promise<void> {
        await new AgentMessageHandler(this.runtime, this.world.accessors()).run(agentMessage(roomId, text, this.clock.date(), extra));
    }

    /** IPostLivechatRoomClosed. */
    public async roomClosed(room: ILivechatRoom): Promise<void> {
        await new RoomClosedHandler(this.runtime, this.world.accessors()).run(room);
    }

    /** An agent (or inactivity) closes the room in Rocket.Chat, and Rocket.Chat fires the close event. */
    public async closeInRocketChat(roomId: string): Promise<void> {
        await this.roomClosed(this.world.rc.closeBySomeoneElse(roomId));
    }

    /** Runs the scheduler: every one-time job due now, with the processors the app registers. */
    public async runDueJobs(): Promise<number> {
        const processors = jobs(this.runtime);
        const due = this.world.scheduler.takeDue(this.clock.now());
        const w = this.world;
        for (const job of due) {
            const processor = processors.filter((p) => p.id === job.id)[0];
            if (!processor) {
                throw new Error(`no processor registered for job ${job.id}`);
            }
            await processor.processor(job.data || {}, w.read, w.modify, w.http, w.persis);
        }
        return due.length;
    }

    /** Advances the clock to the earliest scheduled job and runs what is due; false when nothing is scheduled. */
    public async runNextJob(): Promise<boolean> {
        const next = this.world.scheduler.once.map((j) => j.when).sort((a, b) => a - b)[0];
        if (next === undefined) {
            return false;
        }
        if (next > this.clock.now()) {
            this.clock.ms = next;
        }
        await this.runDueJobs();
        return true;
    }

    public tickets(): Array<Ticket> {
        return this.world.persistence.peek<Ticket>(Keys.openTickets()).concat(this.world.persistence.peekPrefix<Ticket>(CLOSED_PREFIX));
    }

    public ticket(ticketId: string): Array<Ticket> {
        return this.world.persistence.peek<Ticket>(Keys.ticket(ticketId));
    }
}

export function agentMessage(roomId: string, text: string, createdAt: Date, extra: Partial<IMessage> & { [key: string]: unknown } = {}): IMessage {
    return {
        id: `agent-msg-${++messageSeq}`,
        room: { id: roomId, type: RoomType.LIVE_CHAT } as IRoom,
        sender: { id: 'agent-1', username: 'agent.smith', name: 'Agent Smith', type: UserType.USER } as IUser,
        text,
        createdAt,
        ...extra,
    } as IMessage;
}
