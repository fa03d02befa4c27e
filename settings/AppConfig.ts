import { SettingDefaults, SettingId } from './SettingId';

/** The app's settings, read and checked once, in the units the code uses. */
export interface AppConfig {
    /** Trimmed; empty when not configured. */
    secret: string;
    apiToken: string;
    apiUrl: string;
    historyHours: number;
    requestTimeoutMs: number;
    /** Settings whose saved value could not be used, with the reason; the default is used instead. */
    problems: Array<string>;
}

export type SettingValues = { [id: string]: unknown };

/** Pure: raw setting values in, a checked config out. An invalid value is reported, never silently used. */
export function toAppConfig(values: SettingValues): AppConfig {
    const problems: Array<string> = [];
    const text = (id: string) => (typeof values[id] === 'string' ? (values[id] as string).trim() : '');
    const positive = (id: string, fallback: number, max: number) => {
        const raw = values[id];
        if (raw === undefined || raw === null || raw === '') {
            return fallback;
        }
        const value = typeof raw === 'number' ? raw : Number(String(raw).trim());
        if (!isFinite(value) || value <= 0 || value > max) {
            problems.push(`${id} must be a number between 0 and ${max}; using ${fallback}`);
            return fallback;
        }
        return value;
    };
    const apiUrl = text(SettingId.RapidProApiUrl);
    if (apiUrl !== '' && !/^https?:\/\/\S+$/i.test(apiUrl)) {
        problems.push(`${SettingId.RapidProApiUrl} must be an absolute http(s) URL; ignoring it`);
    }
    return {
        secret: text(SettingId.AppSecret),
        apiToken: text(SettingId.RapidProApiToken),
        apiUrl: /^https?:\/\/\S+$/i.test(apiUrl) ? apiUrl.replace(/\/+$/, '') : '',
        historyHours: positive(SettingId.HistoryHours, SettingDefaults.historyHours, 24 * 30),
        requestTimeoutMs: positive(SettingId.RequestTimeout, SettingDefaults.requestTimeoutSeconds, 300) * 1000,
        problems,
    };
}

/** Why a value an admin is saving cannot be used, or undefined when it can. */
export function settingProblem(id: string, value: unknown): string | undefined {
    const config = toAppConfig({ [id]: value });
    return config.problems[0];
}
