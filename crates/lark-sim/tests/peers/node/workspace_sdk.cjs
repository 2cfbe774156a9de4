// Drives lark-sim's workspace APIs with the unmodified official Node SDK
// (@larksuiteoapi/node-sdk). Usage: node workspace_sdk.cjs <base_url> <app_id> <app_secret>
// Prints one JSON object with the tokens and answers it got; exits non-zero on any failure.
const lark = require('@larksuiteoapi/node-sdk');

const [base, appId, appSecret] = process.argv.slice(2);
const client = new lark.Client({ appId, appSecret, domain: base, loggerLevel: lark.LoggerLevel.error });

// A PNG header saying 2x3 is all the simulator reads for the image size.
const png = Buffer.concat([
  Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'),
  Buffer.from([0, 0, 0, 2, 0, 0, 0, 3, 8, 2, 0, 0, 0]),
  Buffer.from('rest-of-image'),
]);

function need(res, what) {
  if (!res || res.code !== 0) throw new Error(`${what} failed: ${JSON.stringify(res)}`);
  return res.data;
}

const text = (block_type, key, content) => ({ block_type, [key]: { elements: [{ text_run: { content } }] } });

async function main() {
  const out = {};

  // Docx: a document with blocks, then an image via drive media upload + replace_image.
  const doc = need(await client.docx.document.create({ data: { title: 'SDK report' } }), 'document.create').document;
  const docId = doc.document_id;
  const created = need(await client.docx.documentBlockChildren.create({
    path: { document_id: docId, block_id: docId },
    data: {
      index: -1,
      children: [
        text(3, 'heading1', 'Summary'),
        text(2, 'text', 'Hello from the Node SDK'),
        text(12, 'bullet', 'first point'),
        { block_type: 27, image: {} },
      ],
    },
  }), 'children.create');
  const imageBlock = created.children[3].block_id;
  const media = await client.drive.media.uploadAll({
    data: {
      file_name: 'chart.png', parent_type: 'docx_image', parent_node: imageBlock,
      size: png.length, extra: JSON.stringify({ drive_route_token: docId }), file: png,
    },
  });
  if (!media || !media.file_token) throw new Error(`media.uploadAll gave ${JSON.stringify(media)}`);
  need(await client.docx.documentBlock.batchUpdate({
    path: { document_id: docId },
    data: { requests: [{ block_id: imageBlock, replace_image: { token: media.file_token } }] },
  }), 'blocks.batchUpdate');
  const raw = need(await client.docx.document.rawContent({ path: { document_id: docId } }), 'rawContent');
  Object.assign(out, { document_id: docId, image_block: imageBlock, image_token: media.file_token, raw_content: raw.content });

  // Sheets: v3 create and query, v2 write and read through the SDK's generic request.
  const ss = need(await client.sheets.spreadsheet.create({ data: { title: 'SDK sheet' } }), 'spreadsheet.create').spreadsheet;
  const tok = ss.spreadsheet_token;
  const sheets = need(await client.sheets.spreadsheetSheet.query({ path: { spreadsheet_token: tok } }), 'sheets.query').sheets;
  const sheetId = sheets[0].sheet_id;
  need(await client.request({
    method: 'PUT', url: `/open-apis/sheets/v2/spreadsheets/${tok}/values`,
    data: { valueRange: { range: `${sheetId}!A1:C2`, values: [['name', 'score', 'ok'], ['ann', 95, true]] } },
  }), 'values.write');
  const read = need(await client.request({
    method: 'GET', url: `/open-apis/sheets/v2/spreadsheets/${tok}/values/${sheetId}!A1:C2`,
  }), 'values.read');
  Object.assign(out, { spreadsheet_token: tok, sheet_id: sheetId, read_values: read.valueRange.values });

  // Bitable: app with its default table, fields, records, a filtered list.
  const app = need(await client.bitable.app.create({ data: { name: 'SDK base' } }), 'app.create').app;
  const tableId = app.default_table_id;
  const path = { app_token: app.app_token, table_id: tableId };
  need(await client.bitable.appTableField.create({ path, data: { field_name: '评分', type: 2 } }), 'field 评分');
  need(await client.bitable.appTableField.create({
    path, data: { field_name: '状态', type: 3, property: { options: [{ name: '在读' }] } },
  }), 'field 状态');
  for (const [title, score, state] of [['三体', 9.5, '在读'], ['活着', 7.0, '已读']]) {
    need(await client.bitable.appTableRecord.create({ path, data: { fields: { 文本: title, 评分: score, 状态: state } } }), 'record.create');
  }
  const listed = need(await client.bitable.appTableRecord.list({ path, params: { filter: 'CurrentValue.[评分] > 8' } }), 'record.list');
  Object.assign(out, {
    app_token: app.app_token, table_id: tableId,
    filtered: (listed.items || []).map((r) => r.fields['文本']), filtered_total: listed.total,
  });

  // CardKit: a streaming card and two streamed contents; a stale sequence is refused.
  const cardJson = { schema: '2.0', config: { streaming_mode: true }, body: { elements: [{ tag: 'markdown', element_id: 'md', content: '' }] } };
  const card = need(await client.cardkit.v1.card.create({ data: { type: 'card_json', data: JSON.stringify(cardJson) } }), 'card.create');
  for (const [sequence, content] of [[1, 'Hel'], [2, 'Hello']]) {
    need(await client.cardkit.v1.cardElement.content({ path: { card_id: card.card_id, element_id: 'md' }, data: { content, sequence } }), 'element.content');
  }
  let staleCode = null;
  try {
    const r = await client.cardkit.v1.cardElement.content({ path: { card_id: card.card_id, element_id: 'md' }, data: { content: 'late', sequence: 2 } });
    staleCode = r.code;
  } catch (e) {
    const body = (e && e.response && e.response.data) || (Array.isArray(e) && e[1]) || {};
    staleCode = body.code;
  }
  Object.assign(out, { card_id: card.card_id, stale_code: staleCode });

  console.log(JSON.stringify(out));
}

main().catch((e) => {
  console.error(e && e.stack ? e.stack : e);
  process.exit(1);
});
