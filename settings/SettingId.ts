/** App setting ids. Part of the contract (PROTOCOL §5): tests and admin scripts set them by id. */
export const SettingId = {
    AppSecret: 'app_secret',
    RapidProApiToken: 'rapidpro_api_token',
    RapidProApiUrl: 'rapidpro_api_url',
    HistoryHours: 'history_hours',
    RequestTimeout: 'request_timeout',
};

export const SettingDefaults = {
    historyHours: 6,
    requestTimeoutSeconds: 15,
};
