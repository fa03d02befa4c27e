import { IRead } from '@rocket.chat/apps-engine/definition/accessors';
import { AppConfig, SettingValues, toAppConfig } from './AppConfig';
import { SettingId } from './SettingId';

const ids = Object.keys(SettingId).map((key) => (SettingId as { [k: string]: string })[key]);

/** Reads every app setting (in parallel) and checks them. */
export async function readConfig(read: IRead): Promise<AppConfig> {
    const reader = read.getEnvironmentReader().getSettings();
    const raw = await Promise.all(ids.map((id) => reader.getValueById(id)));
    const values: SettingValues = {};
    ids.forEach((id, i) => (values[id] = raw[i]));
    return toAppConfig(values);
}
