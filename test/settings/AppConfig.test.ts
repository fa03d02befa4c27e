/// <reference types="jest" />
import { SettingType } from '@rocket.chat/apps-engine/definition/settings';
import { settingProblem, toAppConfig } from '../../settings/AppConfig';
import { readConfig } from '../../settings/readConfig';
import { SettingDefaults, SettingId } from '../../settings/SettingId';
import { settings } from '../../settings/Settings';
import { Clock } from '../fakes/Clock';
import { World } from '../fakes/World';

describe('setting ids and defaults (PROTOCOL §5)', () => {
    it('keeps the ids of the contract', () => {
        expect(SettingId).toEqual({
            AppSecret: 'app_secret', RapidProApiToken: 'rapidpro_api_token', RapidProApiUrl: 'rapidpro_api_url',
            HistoryHours: 'history_hours', RequestTimeout: 'request_timeout',
        });
    });

    it('offers each setting with the type and default of the table', () => {
        const byId = (id: string) => settings.filter((s) => s.id === id)[0];
        expect(settings.map((s) => s.id)).toEqual(['app_secret', 'rapidpro_api_token', 'rapidpro_api_url', 'history_hours', 'request_timeout']);
        expect([byId('app_secret').type, byId('app_secret').packageValue]).toEqual([SettingType.PASSWORD, '']);
        expect([byId('rapidpro_api_token').type, byId('rapidpro_api_token').packageValue]).toEqual([SettingType.PASSWORD, '']);
        expect([byId('rapidpro_api_url').type, byId('rapidpro_api_url').packageValue]).toEqual([SettingType.STRING, '']);
        expect([byId('history_hours').type, byId('history_hours').packageValue]).toEqual([SettingType.NUMBER, 6]);
        expect([byId('request_timeout').type, byId('request_timeout').packageValue]).toEqual([SettingType.NUMBER, 15]);
        expect(SettingDefaults).toEqual({ historyHours: 6, requestTimeoutSeconds: 15 });
    });

    it('keeps secrets out of public settings, with a translated label and description', () => {
        for (const setting of settings) {
            expect(setting.public).toBe(false);
            expect(setting.i18nLabel).toBe(`${setting.id}_label`);
            expect(setting.i18nDescription).toBe(`${setting.id}_description`);
        }
    });
});

describe('toAppConfig', () => {
    it('uses the defaults when nothing is saved', () => {
        expect(toAppConfig({})).toEqual({ secret: '', apiToken: '', apiUrl: '', historyHours: 6, requestTimeoutMs: 15000, problems: [] });
    });

    it('trims text settings and drops a trailing slash of the API URL', () => {
        const config = toAppConfig({ app_secret: '  S3CRET \n', rapidpro_api_token: ' tok ', rapidpro_api_url: ' https://rapidpro.example.com/ ' });
        expect([config.secret, config.apiToken, config.apiUrl]).toEqual(['S3CRET', 'tok', 'https://rapidpro.example.com']);
        expect(config.problems).toEqual([]);
    });

    it('reads numbers saved as numbers or as text, timeout in milliseconds', () => {
        expect(toAppConfig({ history_hours: 12, request_timeout: '30' })).toEqual(expect.objectContaining({ historyHours: 12, requestTimeoutMs: 30000 }));
        expect(toAppConfig({ history_hours: 0.5 }).historyHours).toBe(0.5);
        expect(toAppConfig({ history_hours: '', request_timeout: null }).problems).toEqual([]);
    });

    it.each<[string, { [id: string]: unknown }, string]>([
        ['a negative history window', { history_hours: -1 }, 'history_hours must be a number between 0 and 720; using 6'],
        ['a zero timeout', { request_timeout: 0 }, 'request_timeout must be a number between 0 and 300; using 15'],
        ['a timeout over 5 minutes', { request_timeout: 301 }, 'request_timeout must be a number between 0 and 300; using 15'],
        ['a history window that is not a number', { history_hours: 'six' }, 'history_hours must be a number between 0 and 720; using 6'],
        ['an API URL that is not http(s)', { rapidpro_api_url: 'rapidpro.example.com' }, 'rapidpro_api_url must be an absolute http(s) URL; ignoring it'],
    ])('reports %s and uses the default instead', (label, values, problem) => {
        const config = toAppConfig(values);
        expect(config.problems).toEqual([problem]);
        expect([config.historyHours, config.requestTimeoutMs, config.apiUrl]).toEqual([6, 15000, '']);
    });

    it('ignores a non-text value of a text setting', () => {
        expect(toAppConfig({ app_secret: 12345 }).secret).toBe('');
    });

    it('settingProblem tells an admin why a value cannot be saved, or nothing when it can', () => {
        expect(settingProblem('request_timeout', 900)).toBe('request_timeout must be a number between 0 and 300; using 15');
        expect(settingProblem('request_timeout', 30)).toBeUndefined();
        expect(settingProblem('app_secret', 'anything')).toBeUndefined();
    });
});

describe('readConfig', () => {
    it('reads every setting by id and checks them', async () => {
        const world = new World(new Clock().now);
        Object.assign(world.settings, {
            app_secret: 'S', rapidpro_api_token: 'T', rapidpro_api_url: 'https://r.example.com', history_hours: 2, request_timeout: 5,
        });
        expect(await readConfig(world.read)).toEqual({
            secret: 'S', apiToken: 'T', apiUrl: 'https://r.example.com', historyHours: 2, requestTimeoutMs: 5000, problems: [],
        });
        expect(world.calls.of('settings.getValueById')).toBe(5);
    });
});
