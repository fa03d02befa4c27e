/// <reference types="jest" />
import { Keys } from '../../../lib/core/Associations';
import { Runtime } from '../../../lib/core/Runtime';
import { SettingId } from '../../../settings/SettingId';
import { Clock } from '../../fakes/Clock';
import { SECRET } from '../../fakes/Requests';
import { World } from '../../fakes/World';

const setup = () => {
    const clock = new Clock();
    const world = new World(clock.now);
    const runtime = new Runtime('app-id', world.logger.asLogger(), clock.now);
    return { clock, world, runtime };
};

describe('Runtime', () => {
    it('reads the settings once and keeps them until told they changed', async () => {
        const { world, runtime } = setup();
        world.settings[SettingId.AppSecret] = SECRET;
        expect((await runtime.config(world.read)).secret).toBe(SECRET);
        world.settings[SettingId.AppSecret] = 'OTHER';
        const reads = world.calls.of('settings.getValueById');
        expect((await runtime.config(world.read)).secret).toBe(SECRET);
        expect(world.calls.of('settings.getValueById')).toBe(reads);
        runtime.settingsChanged();
        expect((await runtime.config(world.read)).secret).toBe('OTHER');
    });

    it('reads the stored webhook URL and drops it from the cache when told it changed', async () => {
        const { world, runtime } = setup();
        expect(await runtime.webhookUrl(world.read)).toBeUndefined();
        await world.persistence.updateByAssociation(Keys.webhookSettings(), { url: 'https://a.example.com/cb', updatedAt: 0 }, true);
        runtime.webhookChanged();
        expect(await runtime.webhookUrl(world.read)).toBe('https://a.example.com/cb');
    });

    it("reads the server's Site_Url, empty when unset", async () => {
        const { world, runtime } = setup();
        world.serverSettings.Site_Url = 'https://chat.example.org';
        expect(await runtime.siteUrl(world.read)).toBe('https://chat.example.org');
        const other = setup();
        other.world.serverSettings.Site_Url = undefined;
        expect(await other.runtime.siteUrl(other.world.read)).toBe('');
    });

    it('builds outboxes that deliver with the current secret, URL and timeout', async () => {
        const { world, runtime } = setup();
        world.settings[SettingId.AppSecret] = SECRET;
        world.settings[SettingId.RequestTimeout] = '20';
        await world.persistence.updateByAssociation(Keys.webhookSettings(), { url: 'https://a.example.com/cb', updatedAt: 0 }, true);
        await runtime.outbox(world.read, world.modify, world.http, world.persis).enqueue({ type: 'close-room', ticketId: 'T1', visitor: { token: '1' } }, 0);
        const [post] = world.httpFake.posts;
        expect(post.url).toBe('https://a.example.com/cb');
        expect(post.options.headers!.Authorization).toBe(`Token ${SECRET}`);
        expect(post.options.timeout).toBe(20000);
    });

    it('uses the real clock when none is given', () => {
        const runtime = new Runtime('app-id', new World(Date.now).logger.asLogger());
        expect(Math.abs(runtime.now() - Date.now())).toBeLessThan(1000);
    });
});
