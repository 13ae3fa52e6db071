// SPDX-License-Identifier: GPL-2.0
// An OPAQUE peer on opaque-ke 4 (@serenity-kit/opaque, WASM), for the
// interoperability tests (selftests/pmhs_opaque_interop.c).
//
//   node peer.mjs client register|login
//   node peer.mjs server register|login --setup FILE --user ID --record FILE
//
// One base64url message per line on stdin and stdout. The client reads
// the password as its first input line. Results follow the messages as
// "session <b64url>", "export <b64url>", "record <b64url>" (server
// register: also written to the --record file), "pubkey <b64url>";
// "fail" and exit status 2 when the peer's messages do not authenticate
// (a wrong password). --setup FILE holds serenity's serverSetup and is
// made when missing. --client-id/--server-id set custom identities.
//
//   node peer.mjs serve
//
// runs any number of these one after another in one process (node and
// the WASM take seconds to start under an emulated CPU): each starts with
// a line "client login ..." (the same words), and ends with a line
// "status N", N the exit status the single run would have had.
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import * as opaque from '@serenity-kit/opaque';

// opaque-ke 4's Argon2::default() and pmhs's default KSF.
const keyStretching = {
	'argon2id-custom': { memory: 19456, iterations: 2, parallelism: 1 },
};

function usage() {
	process.stderr.write('usage: peer.mjs client|server register|login [--setup FILE] ' +
		'[--user ID] [--record FILE] [--client-id S] [--server-id S]\n' +
		'       peer.mjs serve\n');
	process.exit(64);
}

// [role, op, options], or null for bad words.
function parse(args) {
	const [role, op] = args;
	const opt = {};
	for (let i = 2; i < args.length; i += 2) {
		if (!args[i].startsWith('--') || i + 1 >= args.length)
			return null;
		opt[args[i].slice(2)] = args[i + 1];
	}
	if (!['client', 'server'].includes(role) || !['register', 'login'].includes(op))
		return null;
	if (role === 'server' && (!opt.setup || !opt.user || !opt.record))
		return null;
	return [role, op, opt];
}

const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
async function input(what) {
	const r = await lines.next();
	if (r.done) {
		process.stderr.write(`peer.mjs: end of input, wanted ${what}\n`);
		process.exit(65);
	}
	return r.value.trim();
}
const out = (s) => process.stdout.write(s + '\n');

await opaque.ready;

async function run(role, op, opt) {
	const identifiers = {};
	if (opt['client-id'] !== undefined)
		identifiers.client = opt['client-id'];
	if (opt['server-id'] !== undefined)
		identifiers.server = opt['server-id'];
	if (role === 'client') {
		const password = await input('the password');
		if (op === 'register') {
			const s = opaque.client.startRegistration({ password });
			out(s.registrationRequest);
			const r = opaque.client.finishRegistration({
				password, clientRegistrationState: s.clientRegistrationState,
				registrationResponse: await input('the registration response'),
				identifiers, keyStretching,
			});
			out(r.registrationRecord);
			out('export ' + r.exportKey);
			out('pubkey ' + r.serverStaticPublicKey);
		} else {
			const s = opaque.client.startLogin({ password });
			out(s.startLoginRequest);
			const r = opaque.client.finishLogin({
				password, clientLoginState: s.clientLoginState,
				loginResponse: await input('KE2'), identifiers, keyStretching,
			});
			if (!r) {
				out('fail');
				return 2;
			}
			out(r.finishLoginRequest);
			out('session ' + r.sessionKey);
			out('export ' + r.exportKey);
			out('pubkey ' + r.serverStaticPublicKey);
		}
	} else {
		let serverSetup;
		if (existsSync(opt.setup)) {
			serverSetup = readFileSync(opt.setup, 'utf8').trim();
		} else {
			serverSetup = opaque.server.createSetup();
			writeFileSync(opt.setup, serverSetup + '\n', { mode: 0o600 });
		}
		const userIdentifier = opt.user;
		if (op === 'register') {
			const r = opaque.server.createRegistrationResponse({
				serverSetup, userIdentifier,
				registrationRequest: await input('the registration request'),
			});
			out(r.registrationResponse);
			const record = await input('the registration record');
			writeFileSync(opt.record, record + '\n', { mode: 0o600 });
			out('record ' + record);
		} else {
			const registrationRecord = existsSync(opt.record) ?
				readFileSync(opt.record, 'utf8').trim() : null;
			const s = opaque.server.startLogin({
				serverSetup, userIdentifier, registrationRecord,
				startLoginRequest: await input('KE1'), identifiers,
			});
			out(s.loginResponse);
			let r;
			try {
				r = opaque.server.finishLogin({
					serverLoginState: s.serverLoginState,
					finishLoginRequest: await input('KE3'), identifiers,
				});
			} catch (e) {
				process.stderr.write(`peer.mjs: ${e.message}\n`);
				out('fail');
				return 2;
			}
			out('session ' + r.sessionKey);
		}
		out('pubkey ' + opaque.server.getPublicKey(serverSetup));
	}
	return 0;
}

if (process.argv[2] === 'serve' && process.argv.length === 3) {
	for (;;) {
		const r = await lines.next();
		if (r.done)
			break;
		const a = parse(r.value.trim().split(/ +/));
		let st = 64;
		if (a) {
			try {
				st = await run(...a);
			} catch (e) {
				process.stderr.write(`peer.mjs: ${e.message}\n`);
				st = 1;
			}
		}
		out('status ' + st);
	}
	process.exit(0);
}
const a = parse(process.argv.slice(2));
if (!a)
	usage();
// stdin stays open (the other side holds it): do not wait for its end.
process.exit(await run(...a));
