import { ISetting, SettingType } from '@rocket.chat/apps-engine/definition/settings';
import { SettingDefaults, SettingId } from './SettingId';

/** What the admin sees under Administration › Apps › Tickets. Labels live in i18n/. */
export const settings: Array<ISetting> = [
    {
        id: SettingId.AppSecret,
        type: SettingType.PASSWORD,
        packageValue: '',
        required: true,
        public: false,
        i18nLabel: 'app_secret_label',
        i18nDescription: 'app_secret_description',
    },
    {
        id: SettingId.RapidProApiToken,
        type: SettingType.PASSWORD,
        packageValue: '',
        required: false,
        public: false,
        i18nLabel: 'rapidpro_api_token_label',
        i18nDescription: 'rapidpro_api_token_description',
    },
    {
        id: SettingId.RapidProApiUrl,
        type: SettingType.STRING,
        packageValue: '',
        required: false,
        public: false,
        i18nLabel: 'rapidpro_api_url_label',
        i18nDescription: 'rapidpro_api_url_description',
        i18nPlaceholder: 'rapidpro_api_url_placeholder',
    },
    {
        id: SettingId.HistoryHours,
        type: SettingType.NUMBER,
        packageValue: SettingDefaults.historyHours,
        required: false,
        public: false,
        i18nLabel: 'history_hours_label',
        i18nDescription: 'history_hours_description',
    },
    {
        id: SettingId.RequestTimeout,
        type: SettingType.NUMBER,
        packageValue: SettingDefaults.requestTimeoutSeconds,
        required: false,
        public: false,
        i18nLabel: 'request_timeout_label',
        i18nDescription: 'request_timeout_description',
    },
];
