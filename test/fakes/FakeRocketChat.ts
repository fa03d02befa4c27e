import { IDepartment, ILivechatRoom, IVisitor } from '@rocket.chat/apps-engine/definition/livechat';
import { IMessageAttachment } from '@rocket.chat/apps-engine/definition/messages';
import { IRoom, RoomType } from '@rocket.chat/apps-engine/definition/rooms';
import { IUser, UserType } from '@rocket.chat/apps-engine/definition/users';

export interface FakeDepartment {
    id: string;
    name: string;
    enabled: boolean;
}

/** A message the app posted through the message creator. */
export interface PostedMessage {
    id: string;
    kind: 'livechat' | 'message';
    roomId?: string;
    text?: string;
    attachments?: Array<IMessageAttachment>;
    visitor?: IVisitor;
    sender?: IUser;
    groupable?: boolean;
}

/** Builder for both startMessage and startLivechatMessage: records what the app set. */
export class FakeMessageBuilder {
    public readonly message: Omit<PostedMessage, 'id'>;

    constructor(kind: 'livechat' | 'message') {
        this.message = { kind };
    }

    public setData(data: { room?: IRoom; text?: string }): this {
        if (data.room) { this.setRoom(data.room); }
        if (data.text !== undefined) { this.setText(data.text); }
        return this;
    }
    public setRoom(room: IRoom): this { this.message.roomId = room.id; return this; }
    public getRoom(): IRoom { return { id: this.message.roomId } as IRoom; }
    public setText(text: string): this { this.message.text = text; return this; }
    public getText(): string { return this.message.text || ''; }
    public setAttachments(attachments: Array<IMessageAttachment>): this { this.message.attachments = attachments; return this; }
    public addAttachment(attachment: IMessageAttachment): this { this.message.attachments = [...(this.message.attachments || []), attachment]; return this; }
    public setVisitor(visitor: IVisitor): this { this.message.visitor = visitor; return this; }
    public setSender(sender: IUser): this { this.message.sender = sender; return this; }
    public setGroupable(groupable: boolean): this { this.message.groupable = groupable; return this; }
    public setToken(token: string): this { return this; }
    public setParseUrls(parse: boolean): this { return this; }
    public setUsernameAlias(alias: string): this { return this; }
    public setAvatarUrl(url: string): this { return this; }
    public setEmojiAvatar(emoji: string): this { return this; }
    public getMessage(): { room: IRoom; text?: string; sender?: IUser } {
        return { room: this.getRoom(), text: this.message.text, sender: this.message.sender };
    }
}

/**
 * The Omnichannel side of Rocket.Chat, in memory, with the habits of the real one
 * (the host copies them with citations, host/README.md › Fidelity): visitors matched
 * by token, then phone (keeping their own token), then email; no refusal of a second
 * open room; a message for a closed room opens a new room; a close trusts the room
 * it is handed and fails for one closed meanwhile; unknown custom fields throw.
 * Visitors by token,
 * departments, livechat rooms, custom fields, posted messages. The accessor
 * objects in World read and change this state. Each `fail*` field, when set,
 * makes the matching call throw it (Rocket.Chat refusing or being down).
 */
export class FakeRocketChat {
    public readonly visitors: { [token: string]: IVisitor } = {};
    public readonly departments: Array<FakeDepartment> = [];
    public readonly rooms: { [id: string]: ILivechatRoom } = {};
    /** Ids of the livechat custom fields Rocket.Chat knows; setCustomFields throws for others. */
    public readonly customFieldIds: Array<string> = [];
    public readonly customFieldsSet: Array<{ token: string; key: string; value: string; overwrite: boolean }> = [];
    public readonly messages: Array<PostedMessage> = [];
    public readonly closes: Array<{ roomId: string; comment: string }> = [];
    public readonly createdRooms: Array<{ roomId: string; visitorToken: string; agent?: IUser; extraParams?: unknown }> = [];
    public readonly savedVisitors: Array<IVisitor> = [];
    /** Private notifications (ephemeral messages) sent to a user. */
    public readonly notifications: Array<{ user: IUser; text?: string; roomId?: string }> = [];
    public readonly appUser: IUser = { id: 'app-user', username: 'tickets.bot', type: UserType.APP } as IUser;

    public failCreateRoom?: Error;
    public failSaveVisitor?: Error;
    public failCloseRoom?: Error;
    public failSetCustomFields?: Error;
    public failFinish?: Error;

    /** Awaited at the start of createRoom: lets a test hold one request inside Rocket.Chat while another arrives. */
    public beforeCreateRoom?: () => Promise<void>;

    /**
     * Runs when a room is closed through the updater, before closeRoom returns,
     * as Rocket.Chat fires IPostLivechatRoomClosed while closing.
     */
    public onRoomClosed?: (room: ILivechatRoom) => Promise<void>;

    private seq = 0;

    constructor(private readonly now: () => number) {}

    public addDepartment(id: string, name: string, enabled = true): FakeDepartment {
        const department = { id, name, enabled };
        this.departments.push(department);
        return department;
    }

    /** A visitor Rocket.Chat already has (e.g. from an earlier ticket). */
    public addVisitor(visitor: Partial<IVisitor> & { token: string }): IVisitor {
        const id = `visitor-${++this.seq}`;
        const saved: IVisitor = { id, username: `guest-${this.seq}`, name: visitor.token, ...visitor };
        this.visitors[visitor.token] = saved;
        return { ...saved };
    }

    /** Marks a room closed without going through the app (agent, visitor or inactivity close). */
    public closeBySomeoneElse(roomId: string): ILivechatRoom {
        const room = this.rooms[roomId];
        room.isOpen = false;
        room.closedAt = new Date(this.now());
        return { ...room };
    }

    public openRooms(): Array<ILivechatRoom> {
        return Object.keys(this.rooms).map((id) => this.rooms[id]).filter((r) => r.isOpen);
    }

    // ---- accessor implementations (World exposes them through the Apps-Engine interfaces) ----

    public async getLivechatVisitorByToken(token: string): Promise<IVisitor | undefined> {
        const visitor = this.visitors[token];
        return visitor ? { ...visitor } : undefined;
    }

    public async getLivechatVisitorById(id: string): Promise<IVisitor | undefined> {
        return this.findVisitor((v) => v.id === id);
    }

    public async getLivechatVisitorByPhoneNumber(phone: string): Promise<IVisitor | undefined> {
        return this.findVisitor((v) => !!v.phone && v.phone.some((p) => p.phoneNumber === phone));
    }

    public async getLivechatVisitorByEmail(email: string): Promise<IVisitor | undefined> {
        return this.findVisitor((v) => !!v.visitorEmails && v.visitorEmails.some((e) => e.address.toLowerCase() === email.toLowerCase()));
    }

    /** The room a posted message is in. */
    public async getMessageRoom(messageId: string): Promise<IRoom | undefined> {
        const message = this.messages.filter((m) => m.id === messageId)[0];
        return message && message.roomId ? this.getRoomById(message.roomId) : undefined;
    }

    private findVisitor(match: (v: IVisitor) => boolean): IVisitor | undefined {
        const found = Object.keys(this.visitors).map((t) => this.visitors[t]).filter(match)[0];
        return found ? { ...found } : undefined;
    }

    public async getLivechatDepartmentByIdOrName(value: string): Promise<IDepartment | undefined> {
        const found = this.departments.filter((d) => d.id === value || d.name === value)[0];
        return found ? ({ ...found } as unknown as IDepartment) : undefined;
    }

    public async getLivechatRooms(visitor: IVisitor, departmentId?: string): Promise<Array<ILivechatRoom>> {
        return Object.keys(this.rooms).map((id) => this.rooms[id])
            .filter((r) => r.visitor.token === visitor.token && (!departmentId || (r.department && r.department.id === departmentId)))
            .map((r) => ({ ...r }));
    }

    public async getRoomById(id: string): Promise<IRoom | undefined> {
        const room = this.rooms[id];
        return room ? { ...room } : undefined;
    }

    /**
     * Rocket.Chat's registerGuest: the visitor with the token, else the one with the phone
     * (which keeps its own token), else the one with the email (which takes the new token);
     * new visitors get an id and a username.
     */
    public async createAndReturnVisitor(visitor: IVisitor): Promise<IVisitor | undefined> {
        if (this.failSaveVisitor) {
            throw this.failSaveVisitor;
        }
        this.savedVisitors.push(JSON.parse(JSON.stringify(visitor)));
        const phone = visitor.phone && visitor.phone[0] ? visitor.phone[0].phoneNumber : '';
        const email = visitor.visitorEmails && visitor.visitorEmails[0] ? visitor.visitorEmails[0].address : '';
        const byPhone = !this.visitors[visitor.token] && phone ? await this.getLivechatVisitorByPhoneNumber(phone) : undefined;
        const byEmail = !this.visitors[visitor.token] && !byPhone && email ? await this.getLivechatVisitorByEmail(email) : undefined;
        const existing = this.visitors[visitor.token] || byPhone || byEmail;
        const n = ++this.seq;
        const saved: IVisitor = {
            ...(existing || {}),
            ...visitor,
            id: existing ? existing.id : `visitor-${n}`,
            username: existing ? existing.username : `guest-${n}`,
            token: byPhone ? byPhone.token : visitor.token,
        };
        if (existing) {
            delete this.visitors[existing.token];
        }
        this.visitors[saved.token] = saved;
        return { ...saved };
    }

    public async createVisitor(visitor: IVisitor): Promise<string> {
        const saved = await this.createAndReturnVisitor(visitor);
        return saved ? saved.id || '' : '';
    }

    public async createRoom(visitor: IVisitor, agent: IUser, extraParams?: unknown): Promise<ILivechatRoom> {
        if (this.beforeCreateRoom) {
            await this.beforeCreateRoom();
        }
        if (this.failCreateRoom) {
            throw this.failCreateRoom;
        }
        const id = `room-${++this.seq}`;
        const source = extraParams && (extraParams as { source?: ILivechatRoom['source'] }).source;
        const room = {
            id,
            type: RoomType.LIVE_CHAT,
            slugifiedName: id,
            creator: { id: 'rocket.cat' } as IUser,
            usernames: [],
            visitor: { ...visitor },
            isOpen: true,
            isWaitingResponse: false,
            createdAt: new Date(this.now()),
            source,
        } as ILivechatRoom;
        this.rooms[id] = room;
        this.createdRooms.push({ roomId: id, visitorToken: visitor.token, agent, extraParams });
        return { ...room };
    }

    /** Trusts the room it is handed, as Rocket.Chat does: a copy that says open for a room closed meanwhile fails. */
    public async closeRoom(room: IRoom, comment: string, closer?: IUser): Promise<boolean> {
        if (this.failCloseRoom) {
            throw this.failCloseRoom;
        }
        const stored = this.rooms[room.id];
        if (!stored || !(room as ILivechatRoom).isOpen) {
            throw new Error('error-room-closed');
        }
        if (!stored.isOpen) {
            throw new Error('Error removing inquiry');
        }
        stored.isOpen = false;
        stored.closedAt = new Date(this.now());
        this.closes.push({ roomId: room.id, comment });
        if (this.onRoomClosed) {
            await this.onRoomClosed({ ...stored });
        }
        return true;
    }

    public async setCustomFields(token: string, key: string, value: string, overwrite: boolean): Promise<boolean> {
        if (this.failSetCustomFields) {
            throw this.failSetCustomFields;
        }
        const visitor = this.visitors[token];
        if (this.customFieldIds.indexOf(key) === -1) {
            throw new Error('invalid-custom-field');
        }
        if (!visitor) {
            return false;
        }
        visitor.livechatData = { ...(visitor.livechatData || {}), [key]: value };
        this.customFieldsSet.push({ token, key, value, overwrite });
        return true;
    }

    public async finish(builder: FakeMessageBuilder): Promise<string> {
        if (this.failFinish) {
            throw this.failFinish;
        }
        const message = { ...builder.message };
        const room = message.roomId ? this.rooms[message.roomId] : undefined;
        if (message.kind === 'livechat' && message.visitor && (!room || !room.isOpen)) {
            // Rocket.Chat's getRoom: a visitor's message for a closed room goes into a new room.
            message.roomId = (await this.createRoom(message.visitor, undefined as unknown as IUser)).id;
        }
        const id = `msg-${++this.seq}`;
        this.messages.push({ id, ...message });
        return id;
    }
}
