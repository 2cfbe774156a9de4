// The official Node SDK's EventDispatcher behind its own adaptDefault HTTP adaptor, unmodified,
// with auto-challenge on; lark-sim pushes to it.
// Usage: node webhook.cjs ENCRYPT_KEY VERIFICATION_TOKEN
// Prints {"port": N} once listening, then one JSON line per event the handler sees.
const http = require('http');
const lark = require('@larksuiteoapi/node-sdk');

const [encryptKey, verificationToken] = process.argv.slice(2);
const emit = (o) => process.stdout.write(JSON.stringify(o) + '\n');

const dispatcher = new lark.EventDispatcher({ encryptKey, verificationToken, loggerLevel: lark.LoggerLevel.warn }).register({
  'im.message.receive_v1': async (data) => {
    emit({ kind: 'message', event_id: data.event_id, text: JSON.parse(data.message.content).text });
  },
});

const server = http.createServer(lark.adaptDefault('/webhook/event', dispatcher, { autoChallenge: true }));
server.listen(0, '127.0.0.1', () => emit({ port: server.address().port }));
