// The benchmark's reference bot: an echo bot on the official Node SDK (@larksuiteoapi/node-sdk),
// written the way its README shows. A WSClient receives im.message.receive_v1 over the long
// connection and the REST Client replies to each message with the same text (no typing reaction).
// Usage: NODE_PATH=<peers>/node/node_modules node node-echo-bot.cjs BASE_URL APP_ID APP_SECRET
// Started and killed by `openclaw-bench` (crates/bench); prints {"kind":"ready"} once connected.
const Lark = require('@larksuiteoapi/node-sdk');

const [domain, appId, appSecret] = process.argv.slice(2);
if (!domain || !appId || !appSecret) {
  process.stderr.write('usage: node node-echo-bot.cjs BASE_URL APP_ID APP_SECRET\n');
  process.exit(2);
}
const emit = (o) => process.stdout.write(JSON.stringify(o) + '\n');

const client = new Lark.Client({ appId, appSecret, domain, loggerLevel: Lark.LoggerLevel.warn });

const dispatcher = new Lark.EventDispatcher({ loggerLevel: Lark.LoggerLevel.warn }).register({
  'im.message.receive_v1': async (data) => {
    const msg = data.message;
    let text = '';
    try {
      text = JSON.parse(msg.content).text || '';
    } catch (_) {
      return;
    }
    try {
      await client.im.message.reply({
        path: { message_id: msg.message_id },
        data: { msg_type: 'text', content: JSON.stringify({ text }) },
      });
    } catch (e) {
      emit({ kind: 'error', message_id: msg.message_id, message: String(e && e.message) });
    }
  },
});

const ws = new Lark.WSClient({
  appId,
  appSecret,
  domain,
  loggerLevel: Lark.LoggerLevel.warn,
  onReady: () => emit({ kind: 'ready' }),
  onError: (e) => emit({ kind: 'error', message: String(e && e.message) }),
});
ws.start({ eventDispatcher: dispatcher });
