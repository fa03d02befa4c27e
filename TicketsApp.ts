import { IAppAccessors, IConfigurationExtend, IConfigurationModify, IHttp, ILogger, IModify, IPersistence, IRead } from '@rocket.chat/apps-engine/definition/accessors';
import { ApiSecurity, ApiVisibility } from '@rocket.chat/apps-engine/definition/api';
import { App } from '@rocket.chat/apps-engine/definition/App';
import { ILivechatRoom, IPostLivechatRoomClosed } from '@rocket.chat/apps-engine/definition/livechat';
import { IMessage, IPostMessageSent } from '@rocket.chat/apps-engine/definition/messages';
import { IAppInfo } from '@rocket.chat/apps-engine/definition/metadata';
import { ISetting } from '@rocket.chat/apps-engine/definition/settings';
import { ISettingUpdateContext } from '@rocket.chat/apps-engine/definition/settings/ISettingUpdateContext';
import { RoomCloseEndpoint } from './endpoints/RoomCloseEndpoint';
import { RoomEndpoint } from './endpoints/RoomEndpoint';
import { SecretCheckEndpoint } from './endpoints/SecretCheckEndpoint';
import { SettingsEndpoint } from './endpoints/SettingsEndpoint';
import { VisitorMessageEndpoint } from './endpoints/VisitorMessageEndpoint';
import { AgentMessageHandler } from './handlers/AgentMessageHandler';
import { RoomClosedHandler } from './handlers/RoomClosedHandler';
import { jobs } from './lib/jobs/Jobs';
import { isAgentMessage } from './lib/messages/MessageFilter';
import { Runtime } from './lib/core/Runtime';
import { TicketsCommand } from './lib/status/TicketsCommand';
import { settingProblem } from './settings/AppConfig';
import { settings } from './settings/Settings';

/** Wires settings, endpoints, handlers and jobs; the logic lives in lib/. */
export class TicketsApp extends App implements IPostMessageSent, IPostLivechatRoomClosed {
    private readonly runtime: Runtime;

    constructor(info: IAppInfo, logger: ILogger, accessors: IAppAccessors) {
        super(info, logger, accessors);
        this.runtime = new Runtime(info.id, logger);
    }

    /**
     * Rocket.Chat asks this first for every message. Answering no for all but
     * agents' replies (the visitor's messages, system messages, the app's own)
     * spares each of them a second call into the app's runtime.
     */
    public async checkPostMessageSent(message: IMessage): Promise<boolean> {
        return isAgentMessage(message);
    }

    public async executePostMessageSent(message: IMessage, read: IRead, http: IHttp, persis: IPersistence, modify: IModify): Promise<void> {
        await new AgentMessageHandler(this.runtime, { read, modify, http, persis, logger: this.getLogger() }).run(message);
    }

    public async executePostLivechatRoomClosed(room: ILivechatRoom, read: IRead, http: IHttp, persis: IPersistence, modify?: IModify): Promise<void> {
        if (!modify) {
            this.getLogger().error(`room ${room.id} closed, but this Rocket.Chat version gives apps no modify accessor on close; close-room not sent`);
            return;
        }
        await new RoomClosedHandler(this.runtime, { read, modify, http, persis, logger: this.getLogger() }).run(room);
    }

    /** A value the app cannot use (a non-numeric timeout, a non-http URL) is refused: the old one stays. */
    public async onPreSettingUpdate(context: ISettingUpdateContext, configModify: IConfigurationModify, read: IRead, http: IHttp): Promise<ISetting> {
        const problem = settingProblem(context.newSetting.id, context.newSetting.value);
        if (problem) {
            this.getLogger().warn(`setting not saved: ${problem.replace(/; .*$/, '')}`);
            return context.oldSetting;
        }
        return context.newSetting;
    }

    public async onSettingUpdated(setting: ISetting, configModify: IConfigurationModify, read: IRead, http: IHttp): Promise<void> {
        this.runtime.settingsChanged();
    }

    protected async extendConfiguration(configuration: IConfigurationExtend): Promise<void> {
        await Promise.all(settings.map((setting) => configuration.settings.provideSetting(setting)));
        await configuration.api.provideApi({
            visibility: ApiVisibility.PUBLIC,
            security: ApiSecurity.UNSECURE,
            endpoints: [
                new SecretCheckEndpoint(this, this.runtime),
                new SettingsEndpoint(this, this.runtime),
                new RoomEndpoint(this, this.runtime),
                new RoomCloseEndpoint(this, this.runtime),
                new VisitorMessageEndpoint(this, this.runtime),
            ],
        });
        await configuration.scheduler.registerProcessors(jobs(this.runtime));
        await configuration.slashCommands.provideSlashCommand(new TicketsCommand(this.runtime));
    }
}
