// The official Node SDK's WSClient, unmodified, pointed at lark-sim.
// Usage: node ws_client.cjs BASE_URL APP_ID APP_SECRET
// Prints one JSON line per event it handles; runs until killed.
const lark = require('@larksuiteoapi/node-sdk');

const [base, appId, appSecret] = process.argv.slice(2);
const emit = (o) => process.stdout.write(JSON.stringify(o) + '\n');

const dispatcher = new lark.EventDispatcher({ loggerLevel: lark.LoggerLevel.warn }).register({
  'im.message.receive_v1': async (data) => {
    emit({
      kind: 'message',
      event_id: data.event_id,
      message_id: data.message.message_id,
      chat_type: data.message.chat_type,
      text: JSON.parse(data.message.content).text,
      mentions: (data.message.mentions || []).map((m) => m.key),
    });
  },
  'card.action.trigger': async (data) => {
    emit({ kind: 'card', event_id: data.event_id, value: data.action.value });
    return { toast: { type: 'success', content: 'node-ok' } };
  },
});

const ws = new lark.WSClient({
  appId,
  appSecret,
  domain: base,
  loggerLevel: lark.LoggerLevel.warn,
  onReady: () => emit({ kind: 'ready' }),
  onError: (e) => emit({ kind: 'error', message: String(e && e.message) }),
});
ws.start({ eventDispatcher: dispatcher });
