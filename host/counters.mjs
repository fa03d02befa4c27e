// @ts-check
// Counts every bridge call by "<Bridge>.<method>" (the `do*` entry points the
// runtime and the engine call, named without the `do`). Host-only: exposed at
// GET /api/host/bridge-calls for benchmarks, and on startHost()'s result.

export class BridgeCounters {
	constructor() {
		/** @type {Record<string, number>} */
		this.calls = {};
	}

	count(name) {
		this.calls[name] = (this.calls[name] || 0) + 1;
	}

	snapshot() {
		return { ...this.calls };
	}

	reset() {
		this.calls = {};
	}

	/**
	 * Wraps a bridge so each public method call is counted. Calls go to the
	 * real object (bound), so a do-method calling its own implementation is
	 * counted once.
	 * @template {object} T @param {string} bridgeName @param {T} bridge @returns {T}
	 */
	wrap(bridgeName, bridge) {
		const counters = this;
		return new Proxy(bridge, {
			get(target, prop, receiver) {
				const value = Reflect.get(target, prop, receiver);
				if (typeof value !== 'function' || typeof prop !== 'string' || prop === 'constructor' || prop === 'hasPermission') {
					return value;
				}
				const op = `${bridgeName}.${/^do[A-Z]/.test(prop) ? prop[2].toLowerCase() + prop.slice(3) : prop}`;
				return function counted(...args) {
					counters.count(op);
					return value.apply(target, args);
				};
			},
		});
	}
}
