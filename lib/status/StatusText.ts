/** What `/tickets status` reports. Never holds a secret: only whether one is set. */
export interface Status {
    secretSet: boolean;
    /** Host of the webhook URL only: the path of RapidPro's callback identifies the ticketer. */
    webhookHost?: string;
    openTickets: number;
    pending: number;
    failed: number;
    lastFailure?: { type: string; ticketId: string; error: string };
    /** `off`, or the host the history is read from, or `no-url` when the token is set but no API address is known. */
    history: string;
    problems: Array<string>;
}

type Language = 'en' | 'pt-BR' | 'es';

const texts: { [L in Language]: { [key: string]: string } } = {
    'en': {
        title: '*Tickets — integration status*',
        secret: 'App Secret', set: 'set', notSet: 'not set',
        webhook: 'RapidPro webhook', webhookMissing: 'not registered yet (connect the ticketer in RapidPro)',
        open: 'Open tickets', pending: 'Webhooks waiting for delivery', failed: 'Webhooks given up',
        lastFailure: 'Last given up', history: 'Chatbot history', off: 'off (no RapidPro API Token)',
        noUrl: 'token set, but no API address known yet', retryHint: 'Run `/tickets retry` to send the given-up webhooks again.',
        problems: 'Settings problems',
        requeued: '{n} given-up webhook(s) queued again.', forbidden: 'Only administrators can use /tickets.',
        usage: 'Usage: `/tickets status` or `/tickets retry`',
    },
    'pt-BR': {
        title: '*Tickets — estado da integração*',
        secret: 'Segredo do App', set: 'definido', notSet: 'não definido',
        webhook: 'Webhook do RapidPro', webhookMissing: 'ainda não registrado (conecte o ticketer no RapidPro)',
        open: 'Tickets abertos', pending: 'Webhooks aguardando entrega', failed: 'Webhooks abandonados',
        lastFailure: 'Último abandonado', history: 'Histórico do chatbot', off: 'desligado (sem Token da API do RapidPro)',
        noUrl: 'token definido, mas nenhum endereço de API conhecido ainda', retryHint: 'Use `/tickets retry` para reenviar os webhooks abandonados.',
        problems: 'Problemas nas configurações',
        requeued: '{n} webhook(s) abandonado(s) colocado(s) de novo na fila.', forbidden: 'Apenas administradores podem usar /tickets.',
        usage: 'Uso: `/tickets status` ou `/tickets retry`',
    },
    'es': {
        title: '*Tickets — estado de la integración*',
        secret: 'Secreto de la App', set: 'configurado', notSet: 'no configurado',
        webhook: 'Webhook de RapidPro', webhookMissing: 'aún no registrado (conecte el ticketer en RapidPro)',
        open: 'Tickets abiertos', pending: 'Webhooks esperando entrega', failed: 'Webhooks abandonados',
        lastFailure: 'Último abandonado', history: 'Historial del chatbot', off: 'desactivado (sin Token de la API de RapidPro)',
        noUrl: 'token configurado, pero aún no se conoce la dirección de la API', retryHint: 'Use `/tickets retry` para reenviar los webhooks abandonados.',
        problems: 'Problemas en la configuración',
        requeued: '{n} webhook(s) abandonado(s) puesto(s) de nuevo en cola.', forbidden: 'Solo los administradores pueden usar /tickets.',
        usage: 'Uso: `/tickets status` o `/tickets retry`',
    },
};

/** The user's language when we have it, English otherwise (`pt` alone means Brazilian here). */
export function languageOf(preference: string | undefined): Language {
    const lang = (preference || '').toLowerCase();
    if (lang.startsWith('pt')) {
        return 'pt-BR';
    }
    return lang.startsWith('es') ? 'es' : 'en';
}

export function text(language: Language, key: string, n?: number): string {
    return (texts[language][key] || texts.en[key]).replace('{n}', String(n));
}

export function statusText(status: Status, language: Language): string {
    const t = (key: string) => text(language, key);
    const history = status.history === 'off' ? t('off') : status.history === 'no-url' ? t('noUrl') : status.history;
    const lines = [
        t('title'),
        `• ${t('secret')}: ${status.secretSet ? t('set') : t('notSet')}`,
        `• ${t('webhook')}: ${status.webhookHost || t('webhookMissing')}`,
        `• ${t('open')}: ${status.openTickets}`,
        `• ${t('pending')}: ${status.pending}`,
        `• ${t('failed')}: ${status.failed}`,
    ];
    if (status.lastFailure) {
        lines.push(`• ${t('lastFailure')}: ${status.lastFailure.type} (ticket ${status.lastFailure.ticketId}): ${status.lastFailure.error}`);
    }
    lines.push(`• ${t('history')}: ${history}`);
    if (status.problems.length > 0) {
        lines.push(`• ${t('problems')}: ${status.problems.join('; ')}`);
    }
    if (status.failed > 0) {
        lines.push(t('retryHint'));
    }
    return lines.join('\n');
}
