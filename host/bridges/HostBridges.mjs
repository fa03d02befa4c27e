// @ts-check
// The AppBridges the AppManager is given: one instance per bridge, each
// wrapped so every call is counted by "<Bridge>.<method>".
import { bridges } from './engine.mjs';
import { HostApiBridge } from './ApiBridge.mjs';
import { HostCommandBridge } from './CommandBridge.mjs';
import { HostHttpBridge } from './HttpBridge.mjs';
import { HostLivechatBridge } from './LivechatBridge.mjs';
import { HostMessageBridge } from './MessageBridge.mjs';
import { HostPersistenceBridge } from './PersistenceBridge.mjs';
import { HostRoomBridge } from './RoomBridge.mjs';
import { HostSchedulerBridge } from './SchedulerBridge.mjs';
import { HostServerSettingBridge } from './ServerSettingBridge.mjs';
import { HostUploadBridge } from './UploadBridge.mjs';
import { HostUserBridge } from './UserBridge.mjs';
import {
	HostAppActivationBridge,
	HostAppDetailChangesBridge,
	HostInternalBridge,
	HostInternalFederationBridge,
	HostListenerBridge,
	unsupportedBridge,
} from './SmallBridges.mjs';

const UNSUPPORTED = [
	'ContactBridge',
	'EnvironmentalVariableBridge',
	'EmailBridge',
	'UiInteractionBridge',
	'CloudWorkspaceBridge',
	'VideoConferenceBridge',
	'OAuthAppsBridge',
	'ModerationBridge',
	'ThreadBridge',
	'RoleBridge',
	'OutboundMessageBridge',
	'ExperimentalBridge',
];

export class HostBridges extends bridges.AppBridges {
	/**
	 * @param {{ store: any, omni: any, config: any, siteUrl: () => string, log: (l: string) => void,
	 *   counters: import('../counters.mjs').BridgeCounters, instance?: any }} ctx instance: the cluster instance these serve
	 */
	constructor(ctx) {
		super();
		const { counters } = ctx;
		/** The real objects (tests and the HTTP layer use these directly, uncounted). */
		this.raw = {
			ApiBridge: new HostApiBridge(),
			CommandBridge: new HostCommandBridge(),
			HttpBridge: new HostHttpBridge(),
			LivechatBridge: new HostLivechatBridge(ctx),
			MessageBridge: new HostMessageBridge(ctx),
			PersistenceBridge: new HostPersistenceBridge(ctx),
			RoomBridge: new HostRoomBridge(ctx),
			SchedulerBridge: new HostSchedulerBridge(ctx),
			ServerSettingBridge: new HostServerSettingBridge(ctx),
			UploadBridge: new HostUploadBridge(ctx),
			UserBridge: new HostUserBridge(ctx),
			AppActivationBridge: new HostAppActivationBridge(ctx),
			AppDetailChangesBridge: new HostAppDetailChangesBridge(ctx),
			InternalBridge: new HostInternalBridge(ctx),
			InternalFederationBridge: new HostInternalFederationBridge(ctx),
			ListenerBridge: new HostListenerBridge(ctx),
			...Object.fromEntries(UNSUPPORTED.map((name) => [name, unsupportedBridge(name)])),
		};
		/** @type {Record<string, any>} */
		this.counted = Object.fromEntries(Object.entries(this.raw).map(([name, bridge]) => [name, counters.wrap(name, bridge)]));
	}

	getCommandBridge() { return this.counted.CommandBridge; }
	getContactBridge() { return this.counted.ContactBridge; }
	getApiBridge() { return this.counted.ApiBridge; }
	getAppDetailChangesBridge() { return this.counted.AppDetailChangesBridge; }
	getEnvironmentalVariableBridge() { return this.counted.EnvironmentalVariableBridge; }
	getHttpBridge() { return this.counted.HttpBridge; }
	getListenerBridge() { return this.counted.ListenerBridge; }
	getLivechatBridge() { return this.counted.LivechatBridge; }
	getMessageBridge() { return this.counted.MessageBridge; }
	getPersistenceBridge() { return this.counted.PersistenceBridge; }
	getAppActivationBridge() { return this.counted.AppActivationBridge; }
	getRoomBridge() { return this.counted.RoomBridge; }
	getInternalBridge() { return this.counted.InternalBridge; }
	getInternalFederationBridge() { return this.counted.InternalFederationBridge; }
	getServerSettingBridge() { return this.counted.ServerSettingBridge; }
	getUploadBridge() { return this.counted.UploadBridge; }
	getEmailBridge() { return this.counted.EmailBridge; }
	getUserBridge() { return this.counted.UserBridge; }
	getUiInteractionBridge() { return this.counted.UiInteractionBridge; }
	getSchedulerBridge() { return this.counted.SchedulerBridge; }
	getCloudWorkspaceBridge() { return this.counted.CloudWorkspaceBridge; }
	getVideoConferenceBridge() { return this.counted.VideoConferenceBridge; }
	getOAuthAppsBridge() { return this.counted.OAuthAppsBridge; }
	getModerationBridge() { return this.counted.ModerationBridge; }
	getThreadBridge() { return this.counted.ThreadBridge; }
	getRoleBridge() { return this.counted.RoleBridge; }
	getOutboundMessageBridge() { return this.counted.OutboundMessageBridge; }
	getExperimentalBridge() { return this.counted.ExperimentalBridge; }
}
