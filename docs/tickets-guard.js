// nginx njs handler (docs/nginx.conf, docs/reverse-proxy.md): refuses, before
// Rocket.Chat, an app endpoint body with an object key that JSON-decodes to
// __proto__ or nested 64 deep or more; passes everything else on unchanged.
// One pass over the body, tracking strings and depth, so it is exact and linear.

function problem(body) {
    var depth = 0;
    var i = 0;
    var n = body.length;
    while (i < n) {
        var c = body[i];
        if (c === '"') {
            var start = i;
            i++;
            while (i < n && body[i] !== '"') i += body[i] === '\\' ? 2 : 1;
            var raw = body.slice(start, i + 1);
            i++;
            var j = i;
            while (j < n && (body[j] === ' ' || body[j] === '\t' || body[j] === '\n' || body[j] === '\r')) j++;
            if (body[j] === ':') {
                var key;
                try {
                    key = JSON.parse(raw);
                } catch (e) {
                    return null; // not JSON: Rocket.Chat refuses it itself
                }
                if (key === '__proto__') return 'a __proto__ key is not accepted';
            }
            continue;
        }
        if (c === '{' || c === '[') {
            depth++;
            if (depth >= 64) return 'request body nested too deep';
        } else if (c === '}' || c === ']') {
            depth--;
        }
        i++;
    }
    return null;
}

function guard(r) {
    var body = r.requestText || '';
    var reason = problem(body);
    if (reason) {
        r.headersOut['Content-Type'] = 'application/json';
        r.return(400, JSON.stringify({ error: reason }));
        return;
    }
    r.internalRedirect('@rocketchat');
}

export default { guard };
