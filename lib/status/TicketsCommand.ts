import { IHttp, IModify, IPersistence, IRead } from '@rocket.chat/apps-engine/definition/accessors';
import { ISlashCommand, SlashCommandContext } from '@rocket.chat/apps-engine/definition/slashcommands';
import { Runtime } from '../core/Runtime';
import { readStatus } from './readStatus';
import { languageOf, statusText, text } from './StatusText';

const ADMIN_ROLES = ['admin', 'livechat-manager'];

/** `/tickets status` and `/tickets retry`: the admin's view of the integration, answered privately. */
export class TicketsCommand implements ISlashCommand {
    public command = 'tickets';
    public i18nParamsExample = 'tickets_command_params';
    public i18nDescription = 'tickets_command_description';
    public providesPreview = false;

    constructor(private readonly runtime: Runtime) {}

    public async executor(context: SlashCommandContext, read: IRead, modify: IModify, http: IHttp, persis: IPersistence): Promise<void> {
        const sender = context.getSender();
        const language = languageOf(sender.settings && sender.settings.preferences && sender.settings.preferences.language);
        const [action] = context.getArguments();
        let answer: string;
        if (!(sender.roles || []).some((role) => ADMIN_ROLES.indexOf(role) !== -1)) {
            answer = text(language, 'forbidden');
        } else if (!action || action === 'status') {
            answer = statusText(await readStatus(this.runtime, read, modify, http, persis), language);
        } else if (action === 'retry') {
            const count = await this.runtime.outbox(read, modify, http, persis).retryFailed();
            answer = text(language, 'requeued', count);
        } else {
            answer = text(language, 'usage');
        }
        const message = modify.getCreator().startMessage().setRoom(context.getRoom()).setText(answer).setGroupable(false).getMessage();
        await modify.getNotifier().notifyUser(sender, message);
    }
}
