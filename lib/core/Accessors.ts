import { IHttp, ILogger, IModify, IPersistence, IRead } from '@rocket.chat/apps-engine/definition/accessors';

/** The accessors one request, event or job works with. */
export interface Accessors {
    read: IRead;
    modify: IModify;
    http: IHttp;
    persis: IPersistence;
    logger: ILogger;
}
