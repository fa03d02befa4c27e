// @ts-check
// Raw records (shaped like Rocket.Chat's MongoDB documents, which is also what
// its REST API returns) → the objects the app receives (IUser, IVisitor,
// IRoom, IMessage, IUpload), following Rocket.Chat's app converters.

/** @returns {any} */
export function userToApp(u) {
	if (!u) return undefined;
	return {
		id: u._id,
		username: u.username,
		name: u.name,
		emails: u.emails || [],
		type: u.type,
		isEnabled: u.active !== false,
		roles: u.roles || [],
		status: u.status || 'online',
		statusConnection: u.statusConnection || 'online',
		statusLivechat: u.statusLivechat,
		utcOffset: 0,
		createdAt: u.createdAt,
		updatedAt: u._updatedAt,
		lastLoginAt: u.lastLogin,
		appId: u.appId,
		customFields: u.customFields || {},
		settings: {},
	};
}

export function visitorToApp(v) {
	if (!v) return undefined;
	return {
		id: v._id,
		token: v.token,
		username: v.username,
		name: v.name,
		department: v.department,
		updatedAt: v._updatedAt,
		phone: v.phone,
		visitorEmails: v.visitorEmails,
		livechatData: v.livechatData || {},
		status: v.status || 'online',
		customFields: v.livechatData || {},
	};
}

/** @param {any} r raw room @param {{ users: any, visitors: any }} ctx */
export async function roomToApp(r, { users, visitors }) {
	if (!r) return undefined;
	const visitor = r.v ? visitorToApp(await visitors.byId(r.v._id)) || { id: r.v._id, token: r.v.token, username: r.v.username } : undefined;
	const servedBy = r.servedBy ? userToApp(await users.byId(r.servedBy._id)) : undefined;
	return {
		id: r._id,
		displayName: r.fname,
		slugifiedName: r.fname,
		type: r.t,
		creator: servedBy,
		userIds: r.usernames,
		isDefault: false,
		isReadOnly: false,
		displaySystemMessages: true,
		messageCount: r.msgs || 0,
		createdAt: r.ts,
		updatedAt: r._updatedAt,
		lastModifiedAt: r.lm,
		customFields: r.customFields || {},
		// livechat (ILivechatRoom)
		visitor,
		department: r.departmentId ? { id: r.departmentId } : undefined,
		servedBy,
		responseBy: r.responseBy,
		isWaitingResponse: !!r.waitingResponse,
		isOpen: !!r.open,
		closedAt: r.closedAt,
		closer: r.closer,
		source: r.source,
	};
}

/** A message as the app sees it (IMessage / ILivechatMessage). */
export async function messageToApp(m, ctx) {
	const room = await roomToApp(await ctx.rooms.byId(m.rid), ctx);
	let sender = m.u ? userToApp(await ctx.users.byId(m.u._id)) : undefined;
	let visitor;
	if (m.token) {
		// A livechat visitor is not a Rocket.Chat user: the converter falls back
		// to a bare user (type 'unknown', no roles) and adds visitor + token.
		visitor = visitorToApp(await ctx.visitors.byToken(m.token));
		sender = sender || { id: m.u._id, username: m.u.username, name: m.u.name, emails: [], type: 'unknown', isEnabled: true, roles: [], status: 'online', statusConnection: 'online', utcOffset: 0, createdAt: m.ts, updatedAt: m.ts };
	}
	return {
		id: m._id,
		room,
		sender,
		text: m.msg,
		type: m.t,
		createdAt: m.ts,
		updatedAt: m._updatedAt,
		editedAt: m.editedAt,
		alias: m.alias,
		avatarUrl: m.avatar,
		groupable: m.groupable,
		parseUrls: m.parseUrls,
		customFields: m.customFields,
		blocks: m.blocks,
		token: m.token,
		visitor,
		file: m.file,
		attachments: (m.attachments || []).map(attachmentToApp),
		threadId: m.tmid,
	};
}

function attachmentToApp(a) {
	return {
		collapsed: a.collapsed,
		color: a.color,
		text: a.text,
		timestamp: a.ts,
		timestampLink: a.message_link,
		thumbnailUrl: a.thumb_url,
		author: a.author_name ? { name: a.author_name, link: a.author_link, icon: a.author_icon } : undefined,
		title: a.title ? { value: a.title, link: a.title_link, displayDownloadLink: a.title_link_download } : undefined,
		imageUrl: a.image_url,
		audioUrl: a.audio_url,
		videoUrl: a.video_url,
		fields: a.fields,
		actions: a.actions,
		type: a.type,
		description: a.description,
	};
}

/** An attachment the app built (IMessageAttachment) → Rocket.Chat's raw shape. */
export function attachmentFromApp(a) {
	return dropUndefined({
		collapsed: a.collapsed,
		color: a.color,
		text: a.text,
		ts: a.timestamp,
		message_link: a.timestampLink,
		thumb_url: a.thumbnailUrl,
		author_name: a.author?.name,
		author_link: a.author?.link,
		author_icon: a.author?.icon,
		title: a.title?.value,
		title_link: a.title?.link,
		title_link_download: a.title?.displayDownloadLink,
		image_url: a.imageUrl,
		audio_url: a.audioUrl,
		video_url: a.videoUrl,
		fields: a.fields,
		actions: a.actions,
		type: a.type,
		description: a.description,
	});
}

export function uploadToApp(u) {
	if (!u) return undefined;
	return {
		id: u._id,
		name: u.name,
		size: u.size,
		type: u.type,
		extension: u.extension,
		store: 'leveldb',
		complete: true,
		uploading: false,
		progress: 1,
		etag: u._id,
		path: u.path,
		url: u.url,
		token: u.token,
		room: u.rid ? { id: u.rid } : undefined,
		user: u.userId ? { id: u.userId } : undefined,
		visitor: u.visitorToken ? { token: u.visitorToken } : undefined,
		updatedAt: u._updatedAt,
		uploadedAt: u.uploadedAt,
	};
}

export function dropUndefined(obj) {
	return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined));
}
