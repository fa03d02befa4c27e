// How a file is shown: images inline, audio and video in players, anything else as a link.
import { html } from './api.js';

/** One file by MIME type and URL (RapidPro's `{type, url}`). */
export function Media({ type = '', url, title }) {
	const name = title || decodeURIComponent(String(url).split('/').pop() || 'file');
	if (type.startsWith('image/')) return html`<figure class="media"><img src=${url} alt=${name} /><figcaption><a href=${url} target="_blank" rel="noopener">${name}</a></figcaption></figure>`;
	if (type.startsWith('audio/')) return html`<figure class="media"><audio controls src=${url} aria-label=${name}></audio><figcaption><a href=${url} target="_blank" rel="noopener">${name}</a></figcaption></figure>`;
	if (type.startsWith('video/')) return html`<figure class="media"><video controls src=${url} aria-label=${name}></video><figcaption><a href=${url} target="_blank" rel="noopener">${name}</a></figcaption></figure>`;
	return html`<a class="file" href=${url} target="_blank" rel="noopener">${name}${type ? ` (${type})` : ''}</a>`;
}

/** A Rocket.Chat message attachment (sendFileMessage's image_/audio_/video_ fields or a titled link). */
export function Attachment({ a }) {
	if (a.image_url) return html`<${Media} type=${a.image_type || 'image/*'} url=${a.title_link || a.image_url} title=${a.title} />`;
	if (a.audio_url) return html`<${Media} type=${a.audio_type || 'audio/*'} url=${a.audio_url} title=${a.title} />`;
	if (a.video_url) return html`<${Media} type=${a.video_type || 'video/*'} url=${a.video_url} title=${a.title} />`;
	if (a.title_link) return html`<${Media} type="" url=${a.title_link} title=${a.title} />`;
	return a.text ? html`<blockquote>${a.text}</blockquote>` : null;
}
