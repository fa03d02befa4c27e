import { IHttp, ILogger, IModify, IPersistence, IRead } from '@rocket.chat/apps-engine/definition/accessors';
import { AppConfig } from '../../settings/AppConfig';
import { readConfig } from '../../settings/readConfig';
import { Outbox } from '../delivery/Outbox';
import { TtlCache } from './TtlCache';
import { readWebhookUrl } from '../delivery/WebhookSettings';
import { RoomMessage, ROOM_LOOKBACK } from '../delivery/RoomOrder';

const SETTINGS_TTL_MS = 5000;

/**
 * What the endpoints, handlers and jobs share: the app's logger and short-lived
 * caches of values read on every request (see TtlCache for why). It holds no
 * state that matters across restarts; everything durable is in persistence.
 */
export class Runtime {
    private readonly config$ = new TtlCache<AppConfig>(SETTINGS_TTL_MS);
    private readonly webhookUrl$ = new TtlCache<string | undefined>(SETTINGS_TTL_MS);
    private readonly siteUrl$ = new TtlCache<string>(SETTINGS_TTL_MS * 12);

    constructor(
        public readonly appId: string,
        public readonly logger: ILogger,
        public readonly now: () => number = Date.now,
    ) {}

    public config(read: IRead): Promise<AppConfig> {
        return this.config$.get(() => readConfig(read));
    }

    public webhookUrl(read: IRead): Promise<string | undefined> {
        return this.webhookUrl$.get(() => readWebhookUrl(read.getPersistenceReader()));
    }

    public siteUrl(read: IRead): Promise<string> {
        return this.siteUrl$.get(async () => String((await read.getEnvironmentReader().getServerSettings().getValueById('Site_Url')) || ''));
    }

    /**
     * The logger to use in a scheduler job or command: the one the runtime binds
     * to `this` for the call (only that one reaches the app's logs in the Deno
     * runtime), or the app's own outside it.
     */
    public loggerOf(self: unknown): ILogger {
        const bound = self as { getLogger?: () => ILogger } | undefined;
        return bound && typeof bound.getLogger === 'function' ? bound.getLogger() : this.logger;
    }

    public settingsChanged(): void {
        this.config$.clear();
    }

    public webhookChanged(): void {
        this.webhookUrl$.clear();
    }

    public outbox(read: IRead, modify: IModify, http: IHttp, persis: IPersistence, logger: ILogger = this.logger): Outbox {
        return new Outbox({
            reader: read.getPersistenceReader(),
            persis,
            scheduler: modify.getScheduler(),
            http,
            logger,
            now: this.now,
            roomMessages: (roomId) => newestMessages(read, roomId),
            target: async () => {
                const [config, url] = await Promise.all([this.config(read), this.webhookUrl(read)]);
                return { url, secret: config.secret, timeoutMs: config.requestTimeoutMs };
            },
        });
    }
}

/** The room reader that takes options (Rocket.Chat#32176, 2024); the app compiles against older definitions. */
interface RoomReaderWithOptions {
    getMessages(roomId: string, options: { limit: number; sort: { createdAt: 'asc' | 'desc' } }): Promise<Array<RoomMessage>>;
}

/** The room's newest messages, newest first, as Rocket.Chat's IMessageRaw. */
async function newestMessages(read: IRead, roomId: string): Promise<Array<RoomMessage>> {
    const reader = read.getRoomReader() as unknown as RoomReaderWithOptions;
    return Array.from(await reader.getMessages(roomId, { limit: ROOM_LOOKBACK, sort: { createdAt: 'desc' } }));
}
