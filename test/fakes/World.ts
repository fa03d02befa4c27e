import { IHttp, IModify, IPersistence, IRead } from '@rocket.chat/apps-engine/definition/accessors';
import { IUser } from '@rocket.chat/apps-engine/definition/users';
import { Accessors } from '../../lib/core/Accessors';
import { CallCounter } from './CallCounter';
import { FakeHttp } from './FakeHttp';
import { FakeLogger } from './FakeLogger';
import { FakePersistence } from './FakePersistence';
import { FakeMessageBuilder, FakeRocketChat } from './FakeRocketChat';
import { FakeScheduler } from './FakeScheduler';

export const SITE_URL = 'https://chat.example.com';

/**
 * One in-memory Rocket.Chat as the app sees it through its accessors: app
 * persistence, app settings by id, server settings, Omnichannel, messages,
 * the scheduler and outgoing HTTP. `read`, `modify`, `http` and `persis` are the
 * accessor objects to hand to the app; every call on them is counted in `calls`.
 */
export class World {
    public readonly calls = new CallCounter();
    public readonly persistence = new FakePersistence();
    public readonly httpFake = new FakeHttp();
    public readonly logger = new FakeLogger();
    public readonly scheduler = new FakeScheduler();
    public readonly rc: FakeRocketChat;
    /** App settings by id (PROTOCOL §5); `undefined` is "never saved". */
    public readonly settings: { [id: string]: unknown } = {};
    public readonly serverSettings: { [id: string]: unknown } = { Site_Url: SITE_URL };
    /** Set to false to act as a server whose livechat creator predates createAndReturnVisitor. */
    public modernVisitorCreator = true;
    /** What the room read (`getMessages`) answers: the room's messages, newest first; none by default. */
    public roomMessages: (roomId: string) => Promise<Array<unknown>> = async () => [];

    public readonly read: IRead;
    public readonly modify: IModify;
    public readonly http: IHttp;
    public readonly persis: IPersistence;

    constructor(now: () => number) {
        this.rc = new FakeRocketChat(now);
        const rc = this.rc;
        const count = <T extends object>(prefix: string, target: T): T => this.calls.wrap(prefix, target);

        const persistenceReader = count('persistence', this.persistence);
        const settingsReader = count('settings', {
            getValueById: async (id: string) => this.settings[id],
            getById: async (id: string) => ({ id, value: this.settings[id] }),
        });
        const serverSettingsReader = count('serverSettings', { getValueById: async (id: string) => this.serverSettings[id] });
        const livechatReader = count('livechat', {
            getLivechatVisitorByToken: (token: string) => rc.getLivechatVisitorByToken(token),
            getLivechatVisitorById: (id: string) => rc.getLivechatVisitorById(id),
            getLivechatVisitorByPhoneNumber: (phone: string) => rc.getLivechatVisitorByPhoneNumber(phone),
            getLivechatVisitorByEmail: (email: string) => rc.getLivechatVisitorByEmail(email),
            getLivechatDepartmentByIdOrName: (value: string) => rc.getLivechatDepartmentByIdOrName(value),
            getLivechatRooms: (visitor: Parameters<FakeRocketChat['getLivechatRooms']>[0], departmentId?: string) => rc.getLivechatRooms(visitor, departmentId),
        });
        const roomReader = count('rooms', { getById: (id: string) => rc.getRoomById(id), getMessages: (id: string) => this.roomMessages(id) });
        const userReader = count('users', { getAppUser: async () => ({ ...rc.appUser }) });
        const messageReader = count('messages', { getRoom: (id: string) => rc.getMessageRoom(id) });

        this.read = {
            getPersistenceReader: () => persistenceReader,
            getEnvironmentReader: () => ({ getSettings: () => settingsReader, getServerSettings: () => serverSettingsReader }),
            getLivechatReader: () => livechatReader,
            getRoomReader: () => roomReader,
            getUserReader: () => userReader,
            getMessageReader: () => messageReader,
        } as unknown as IRead;

        const livechatCreator = () => count('livechatCreator', this.modernVisitorCreator
            ? {
                createAndReturnVisitor: (v: Parameters<FakeRocketChat['createVisitor']>[0]) => rc.createAndReturnVisitor(v),
                createVisitor: (v: Parameters<FakeRocketChat['createVisitor']>[0]) => rc.createVisitor(v),
                createRoom: (...args: Parameters<FakeRocketChat['createRoom']>) => rc.createRoom(...args),
            }
            : {
                createVisitor: (v: Parameters<FakeRocketChat['createVisitor']>[0]) => rc.createVisitor(v),
                createRoom: (...args: Parameters<FakeRocketChat['createRoom']>) => rc.createRoom(...args),
            });
        const creator = count('creator', {
            getLivechatCreator: livechatCreator,
            startLivechatMessage: () => new FakeMessageBuilder('livechat'),
            startMessage: () => new FakeMessageBuilder('message'),
            finish: (builder: FakeMessageBuilder) => rc.finish(builder),
        });
        const livechatUpdater = count('livechatUpdater', {
            closeRoom: (...args: Parameters<FakeRocketChat['closeRoom']>) => rc.closeRoom(...args),
            setCustomFields: (...args: Parameters<FakeRocketChat['setCustomFields']>) => rc.setCustomFields(...args),
        });
        const scheduler = count('scheduler', this.scheduler);
        const notifier = count('notifier', {
            notifyUser: async (user: IUser, message: { text?: string; room?: { id: string } }) => {
                rc.notifications.push({ user, text: message.text, roomId: message.room && message.room.id });
            },
        });

        this.modify = {
            getCreator: () => creator,
            getUpdater: () => ({ getLivechatUpdater: () => livechatUpdater }),
            getScheduler: () => scheduler,
            getNotifier: () => notifier,
        } as unknown as IModify;
        this.http = count('http', this.httpFake);
        this.persis = count('persistence', this.persistence);
    }

    /** The accessors one request, event or job works with (lib's `Accessors`). */
    public accessors(): Accessors {
        return { read: this.read, modify: this.modify, http: this.http, persis: this.persis, logger: this.logger.asLogger() };
    }
}
