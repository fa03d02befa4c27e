import { IMessage, IMessageAttachment } from '@rocket.chat/apps-engine/definition/messages';
import { IncomingAttachment } from '../requests/VisitorMessageRequest';
import { WebhookAttachment } from '../delivery/WebhookPayloads';

/** The last path segment of a URL, decoded, for a readable file title. */
export function fileNameOf(url: string): string {
    // Trailing slashes cut by hand: `/\/+$/` is quadratic on a URL of slashes (32 of them took seconds).
    let path = url.split(/[?#]/)[0];
    let end = path.length;
    while (end > 0 && path.charAt(end - 1) === '/') {
        end--;
    }
    path = path.substring(0, end);
    const last = path.substring(path.lastIndexOf('/') + 1);
    try {
        return decodeURIComponent(last) || 'file';
    } catch (e) {
        return last || 'file';
    }
}

/** A contact's attachment as Rocket.Chat shows it: media inline by MIME type, anything else as a titled link. */
export function toRoomAttachment(attachment: IncomingAttachment): IMessageAttachment {
    const { type, url } = attachment;
    const title = { value: fileNameOf(url), link: url, displayDownloadLink: true };
    if (type.startsWith('image/')) {
        return { imageUrl: url, title };
    }
    if (type.startsWith('audio/')) {
        return { audioUrl: url, title };
    }
    if (type.startsWith('video/')) {
        return { videoUrl: url, title };
    }
    return { title, text: type };
}

interface UploadedFile {
    _id: string;
    name: string;
    type: string;
}

/** Rocket.Chat's mark on the thumbnail it stores beside an uploaded image (8.2+). */
const THUMBNAIL_GROUP = 'thumb';

/** The upload id in a Rocket.Chat file link (`…/file-upload/<id>/<name>`), if it is one. */
function uploadIdOf(link: unknown): string | undefined {
    const match = typeof link === 'string' ? /\/file-upload\/([^/?#]+)\//.exec(link) : null;
    if (!match) {
        return undefined;
    }
    try {
        return decodeURIComponent(match[1]);
    } catch (e) {
        return match[1];
    }
}

/**
 * Uploads that only serve as an image's preview: an attachment shows them
 * (`imageUrl`) while its title links another file. This is how a thumbnail is
 * told apart on servers that do not mark it.
 */
function previewOnlyIds(message: IMessage): { [id: string]: true } {
    const shown: { [id: string]: true } = Object.create(null);
    const linked: { [id: string]: true } = Object.create(null);
    for (const attachment of message.attachments || []) {
        const image = uploadIdOf(attachment && attachment.imageUrl);
        const title = uploadIdOf(attachment && attachment.title && attachment.title.link);
        if (image) {
            shown[image] = true;
        }
        if (title) {
            linked[title] = true;
        }
    }
    const previews: { [id: string]: true } = Object.create(null);
    for (const id of Object.keys(shown)) {
        if (!linked[id]) {
            previews[id] = true;
        }
    }
    return previews;
}

/**
 * Files an agent uploaded with a message, each once, never the thumbnail
 * Rocket.Chat stores beside an image. Rocket.Chat lists them in `files`
 * (uploaded file first, then its thumbnail): 8.2+ maps that list to the app
 * with thumbnails marked `typeGroup: 'thumb'`; every version also leaves the
 * raw list in the unmapped properties, the only place before 8.2, unmarked
 * (so thumbnails are also recognised as preview-only images). `file` is the
 * first upload, and the only one on servers that set no `files`.
 */
export function uploadedFiles(message: IMessage): Array<UploadedFile> {
    const raw = message as { files?: unknown; _unmappedProperties_?: { files?: unknown } };
    const unmapped = raw._unmappedProperties_;
    const candidates: Array<unknown> = [];
    if (Array.isArray(raw.files)) {
        candidates.push(...raw.files);
    } else if (unmapped && Array.isArray(unmapped.files)) {
        candidates.push(...unmapped.files);
    }
    if (message.file) {
        candidates.push(message.file);
    }
    const previews = previewOnlyIds(message);
    const seen: { [id: string]: true } = Object.create(null);
    const files: Array<UploadedFile> = [];
    for (const item of candidates) {
        const file = item as Partial<UploadedFile> & { typeGroup?: unknown };
        if (!file || typeof file._id !== 'string' || seen[file._id] || previews[file._id] || file.typeGroup === THUMBNAIL_GROUP) {
            continue;
        }
        seen[file._id] = true;
        files.push({ _id: file._id, name: typeof file.name === 'string' ? file.name : 'file', type: file.type || 'application/octet-stream' });
    }
    return files;
}

/** An uploaded file as RapidPro fetches it: an absolute link on the server's Site_Url. */
export function toWebhookAttachment(siteUrl: string, file: UploadedFile): WebhookAttachment {
    const base = siteUrl.replace(/\/+$/, '');
    return { type: file.type, url: `${base}/file-upload/${encodeURIComponent(file._id)}/${encodeURIComponent(file.name)}` };
}
