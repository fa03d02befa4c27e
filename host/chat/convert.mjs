// @ts-check
// Raw records (shaped like Rocket.Chat's MongoDB documents, which is also what
// its REST API returns) → the objects the app receives (IUser, IVisitor,
// IRoom, IMessage, IUpload), following Rocket.Chat's app converters.
import { RC_FEATURES } from '../bridges/engine.mjs';

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

/**
 * Raw message fields the converter maps (or consumes in a mapping function);
 * every other raw field reaches the app under `_unmappedProperties_`, as
 * transformMappedData leaves it. `files` is NOT consumed even where it is
 * mapped (its mapping function does not delete it), so it is always there too.
 */
const MAPPED_MESSAGE_FIELDS = ['_id', 'tmid', 'reactions', 'parseUrls', 'msg', 'ts', '_updatedAt', 'editedAt', 'emoji', 'avatar', 'alias', 'file', 'customFields', 'groupable', 'token', 'blocks', 't', 'rid', 'editedBy', 'attachments', 'u'];

/** A message as the app sees it (IMessage / ILivechatMessage). */
// Rocket.Chat: apps/meteor/app/apps/server/converters/messages.ts convertMessage (8.x; `files` from 8.2, see RC_FEATURES)
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
		emoji: m.emoji,
		groupable: m.groupable,
		parseUrls: m.parseUrls,
		customFields: m.customFields,
		blocks: m.blocks,
		reactions: m.reactions,
		token: m.token,
		visitor,
		file: m.file,
		...(RC_FEATURES.messageFiles && m.files && { files: convertMessageFiles(m.files, m.attachments) }),
		attachments: (m.attachments || []).map((a) => attachmentToApp(a, m)),
		threadId: m.tmid,
		_unmappedProperties_: Object.fromEntries(Object.entries(m).filter(([k]) => !MAPPED_MESSAGE_FIELDS.includes(k))),
	};
}

/** A message's files for the app: a thumbnail of an older message (no typeGroup) is recognised by its place. */
// Rocket.Chat: apps/meteor/app/apps/server/converters/convertMessageFiles.ts (8.2+)
function convertMessageFiles(files, attachments) {
	return files.map((file) => {
		if (!file || file.typeGroup) return file;
		if (files.length === 2 && attachments?.length === 1 && file === files[1]) return { ...file, typeGroup: 'thumb' };
		return file;
	});
}

const ATTACHMENT_FIELDS = {
	collapsed: 'collapsed', color: 'color', text: 'text', timestampLink: 'message_link', thumbnailUrl: 'thumb_url',
	imageDimensions: 'image_dimensions', imagePreview: 'image_preview', imageUrl: 'image_url', imageType: 'image_type', imageSize: 'image_size',
	audioUrl: 'audio_url', audioType: 'audio_type', audioSize: 'audio_size', videoUrl: 'video_url', videoType: 'video_type', videoSize: 'video_size',
	fields: 'fields', actionButtonsAlignment: 'button_alignment', actions: 'actions', type: 'type', description: 'description',
};
const ATTACHMENT_CONSUMED = [...Object.values(ATTACHMENT_FIELDS), 'author_name', 'author_link', 'author_icon', 'title', 'title_link', 'title_link_download', 'ts'];

/** One attachment as the app sees it; fields the converter does not know stay under `_unmappedProperties_`. */
// Rocket.Chat: apps/meteor/app/apps/server/converters/messages.ts _convertAttachmentsToApp (8.x; fileId from 8.2)
function attachmentToApp(a, m) {
	/** @type {Record<string, any>} */
	const out = {};
	for (const [to, from] of Object.entries(ATTACHMENT_FIELDS)) if (a[from] !== undefined) out[to] = a[from];
	out.author = a.author_name ? { name: a.author_name, link: a.author_link, icon: a.author_icon } : undefined;
	out.title = a.title ? { value: a.title, link: a.title_link, displayDownloadLink: a.title_link_download } : undefined;
	out.timestamp = a.ts;
	let consumed = ATTACHMENT_CONSUMED;
	if (RC_FEATURES.messageFiles) {
		// A file attachment without fileId, in a message with one file, points at that file.
		out.fileId = !a.fileId && a.type === 'file' && m.file?._id && m.attachments.length === 1 ? m.file._id : a.fileId;
		consumed = [...consumed, 'fileId'];
	}
	out._unmappedProperties_ = Object.fromEntries(Object.entries(a).filter(([k]) => !consumed.includes(k)));
	return out;
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
		image_dimensions: a.imageDimensions,
		image_preview: a.imagePreview,
		image_url: a.imageUrl,
		image_type: a.imageType,
		image_size: a.imageSize,
		audio_url: a.audioUrl,
		audio_type: a.audioType,
		audio_size: a.audioSize,
		video_url: a.videoUrl,
		video_type: a.videoType,
		video_size: a.videoSize,
		fields: a.fields,
		button_alignment: a.actionButtonsAlignment,
		actions: a.actions,
		type: a.type,
		description: a.description,
		...a._unmappedProperties_,
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
