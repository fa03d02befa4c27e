import { IApp } from '@rocket.chat/apps-engine/definition/IApp';
import { Handler, json } from '../lib/requests/EndpointGuard';
import { Runtime } from '../lib/core/Runtime';
import { saveWebhookUrl } from '../lib/delivery/WebhookSettings';
import { parseWebhookUrl } from '../lib/requests/WebhookSettingsRequest';
import { TicketsEndpoint } from './TicketsEndpoint';

/** PUT /settings → 204: RapidPro registers its callback URL once, when the admin connects the ticketer. */
export class SettingsEndpoint extends TicketsEndpoint {
    public path = 'settings';
    protected readonly withBody = true;

    constructor(app: IApp, runtime: Runtime) {
        super(app, runtime, ['put', 'post']);
    }

    protected handle: Handler = async (body, a) => {
        const url = parseWebhookUrl(body);
        await saveWebhookUrl(a.persis, url, this.runtime.now());
        this.runtime.webhookChanged();
        a.logger.info('RapidPro registered its webhook URL');
        return json(204);
    }
}
