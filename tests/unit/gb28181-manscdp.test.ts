import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import {
  MANSCDP_CONTENT_TYPE, buildAlarmResponse, buildCatalogQuery, decodeBody, parseManscdp,
  type AlarmMessage, type CatalogMessage, type KeepaliveMessage, type ManscdpMessage,
} from '../../server/gb28181/manscdp.js';
import { alarmInstant, decodeXmlReferences } from '../../server/gb28181/manscdp-text.js';

const NVR = '41040200001180000001';
const CAMERA = '41040200001310000001';
const GB2312 = '<?xml version="1.0" encoding="GB2312"?>\r\n';

const keepaliveXml = (fields = '<SN>43</SN>\r\n<DeviceID>41040200001180000001</DeviceID>\r\n<Status>OK</Status>\r\n') =>
  `${GB2312}<Notify>\r\n<CmdType>Keepalive</CmdType>\r\n${fields}</Notify>\r\n`;

const alarmXml = (extra = '') => `${GB2312}<Notify>
<CmdType>Alarm</CmdType>
<SN>1207</SN>
<DeviceID>${CAMERA}</DeviceID>
<AlarmPriority>1</AlarmPriority>
<AlarmMethod>2</AlarmMethod>
<AlarmTime>2026-12-04T07:58:03</AlarmTime>
<AlarmDescription>校门摄像机视频丢失</AlarmDescription>
<Longitude>113.1925</Longitude>
<Latitude>33.7662</Latitude>
<Info>
<AlarmType>1</AlarmType>
</Info>${extra}
</Notify>
`;

const item = (code: string, name: string, status = 'ON') => `<Item>
<DeviceID>${code}</DeviceID>
<Name>${name}</Name>
<Manufacturer>Hikvision</Manufacturer>
<Model>IP Camera</Model>
<Owner>Owner</Owner>
<CivilCode>410402</CivilCode>
<Address>Address</Address>
<Parental>0</Parental>
<ParentID>${NVR}</ParentID>
<SafetyWay>0</SafetyWay>
<RegisterWay>1</RegisterWay>
<Secrecy>0</Secrecy>
<Status>${status}</Status>
</Item>`;

const catalogXml = (items: string[], sumNum = items.length) => `${GB2312}<Response>
<CmdType>Catalog</CmdType>
<SN>17430</SN>
<DeviceID>${NVR}</DeviceID>
<SumNum>${sumNum}</SumNum>
<DeviceList Num="${items.length}">
${items.join('\n')}
</DeviceList>
</Response>
`;

function parsed(text: string): ManscdpMessage {
  const sut = parseManscdp(text);
  if (!sut.ok) throw new Error(`refused: ${sut.reason}`);
  return sut.message;
}

function refused(text: string): string {
  const sut = parseManscdp(text);
  if (sut.ok) throw new Error(`accepted: ${JSON.stringify(sut.message)}`);
  return sut.reason;
}

describe(decodeBody.name, () => {
  const text = catalogXml([item(CAMERA, '校门摄像机')]);

  it('decodes a GB2312 body by its declaration', () => {
    const body = iconv.encode(text, 'gb2312');
    expect(body.includes(Buffer.from('校门', 'utf8'))).toBe(false);
    expect(decodeBody(body)).toBe(text);
    expect(decodeBody(body, MANSCDP_CONTENT_TYPE)).toBe(text);
  });

  it('decodes a UTF-8 body that says so, and drops its byte order mark', () => {
    const utf8 = text.replace('GB2312', 'UTF-8');
    expect(decodeBody(Buffer.from(utf8, 'utf8'))).toBe(utf8);
    expect(decodeBody(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(utf8, 'utf8')]))).toBe(utf8);
  });

  it('takes the Content-Type charset over the declaration', () => {
    const body = Buffer.from(text, 'utf8');
    expect(decodeBody(body, 'Application/MANSCDP+xml; charset=UTF-8')).toBe(text);
    expect(decodeBody(body, 'Application/MANSCDP+xml;charset="utf-8"')).toBe(text);
    const gbk = iconv.encode(text.replace('GB2312', 'UTF-8'), 'gbk');
    expect(decodeBody(gbk, 'Application/MANSCDP+xml; charset=GBK')).toContain('校门摄像机');
  });

  it('decodes as GB18030 a body without a charset that is not UTF-8, one that says UTF-8 but is not, and an unknown charset', () => {
    const bare = text.replace(GB2312, '');
    expect(decodeBody(iconv.encode(bare, 'gb2312'))).toBe(bare);
    expect(decodeBody(Buffer.from(bare, 'utf8'))).toBe(bare);
    expect(decodeBody(iconv.encode(text, 'gb2312'), 'Application/MANSCDP+xml; charset=utf-8')).toBe(text);
    expect(decodeBody(iconv.encode(text, 'gb2312'), 'Application/MANSCDP+xml; charset=x-unheard-of')).toBe(text);
    // A character outside GB2312 but in GB18030.
    expect(decodeBody(iconv.encode('<a>𠀀</a>', 'gb18030'), 'text/xml; charset=GB2312')).toBe('<a>𠀀</a>');
  });
});

describe(parseManscdp.name, () => {
  it('reads a GB2312 keepalive with codes as strings', () => {
    const sut = parsed(decodeBody(iconv.encode(keepaliveXml(), 'gb2312'))) as KeepaliveMessage;
    expect(sut).toEqual({ kind: 'keepalive', sn: 43, deviceId: NVR, status: 'OK', faultyChannels: [] });
  });

  it('reads a keepalive without Status, and its Info/DeviceID faulty channels (one or many)', () => {
    expect(parsed(keepaliveXml(`<SN>1</SN><DeviceID>${NVR}</DeviceID>`))).toMatchObject({ status: null, faultyChannels: [] });
    expect(parsed(keepaliveXml(`<SN>1</SN><DeviceID>${NVR}</DeviceID><Status>ERROR</Status><Info><DeviceID>${CAMERA}</DeviceID></Info>`)))
      .toMatchObject({ status: 'ERROR', faultyChannels: [CAMERA] });
    expect(parsed(keepaliveXml(`<SN>1</SN><DeviceID>${NVR}</DeviceID><Info><DeviceID>${CAMERA}</DeviceID><DeviceID>41040200001310000002</DeviceID><DeviceID>bad</DeviceID></Info>`)))
      .toMatchObject({ faultyChannels: [CAMERA, '41040200001310000002'] });
  });

  it('keeps leading zeros of codes and never turns a code into a number', () => {
    const code = '01040200001310000009';
    const sut = parsed(keepaliveXml(`<SN>0007</SN><DeviceID>${code}</DeviceID>`)) as KeepaliveMessage;
    expect(sut.deviceId).toBe(code);
    expect(sut.sn).toBe(7);
    const catalog = parsed(catalogXml([item('00000000001310000001', '0001')])) as CatalogMessage;
    expect(catalog.items[0]).toEqual({ deviceId: '00000000001310000001', name: '0001', status: 'ON', parentId: NVR });
  });

  it('reads a GB2312 alarm, its time as an instant in +08:00', () => {
    const sut = parsed(decodeBody(iconv.encode(alarmXml(), 'gb2312'))) as AlarmMessage;
    expect(sut).toEqual({
      kind: 'alarm', sn: 1207, deviceId: CAMERA, priority: 1, method: 2,
      time: '2026-12-04T07:58:03', at: '2026-12-04T07:58:03+08:00',
      description: '校门摄像机视频丢失', longitude: 113.1925, latitude: 33.7662, alarmType: 1,
    });
    expect(new Date(sut.at ?? '').toISOString()).toBe('2026-12-03T23:58:03.000Z');
  });

  it('reads an alarm without Info, description or a real time, and its AlarmTypeParam/EventType', () => {
    const bare = `<Notify><CmdType>Alarm</CmdType><SN>5</SN><DeviceID>${CAMERA}</DeviceID><AlarmPriority>4</AlarmPriority><AlarmMethod>5</AlarmMethod><AlarmTime>2026-02-30T10:00:00</AlarmTime><AlarmDescription/><Longitude>east</Longitude></Notify>`;
    expect(parsed(bare)).toEqual({ kind: 'alarm', sn: 5, deviceId: CAMERA, priority: 4, method: 5, time: '2026-02-30T10:00:00', at: null });
    const withParam = bare.replace('<AlarmDescription/>', '<Info><AlarmType>6</AlarmType><AlarmTypeParam><EventType>1</EventType></AlarmTypeParam></Info>');
    expect(parsed(withParam)).toMatchObject({ alarmType: 6, eventType: 1 });
  });

  it('refuses an alarm without priority or method, or with them out of range', () => {
    expect(refused(alarmXml().replace('<AlarmPriority>1</AlarmPriority>', ''))).toContain('AlarmPriority');
    expect(refused(alarmXml().replace('<AlarmPriority>1</AlarmPriority>', '<AlarmPriority>9</AlarmPriority>'))).toContain('1–4');
    expect(refused(alarmXml().replace('<AlarmMethod>2</AlarmMethod>', '<AlarmMethod>8</AlarmMethod>'))).toContain('1–7');
  });

  it('reads a GB2312 catalog of one item and of many as a list', () => {
    const one = parsed(decodeBody(iconv.encode(catalogXml([item(CAMERA, '校门摄像机')], 3), 'gb2312'))) as CatalogMessage;
    expect(one).toEqual({ kind: 'catalog', sn: 17430, deviceId: NVR, sumNum: 3, skipped: 0, items: [{ deviceId: CAMERA, name: '校门摄像机', status: 'ON', parentId: NVR }] });
    const many = parsed(decodeBody(iconv.encode(catalogXml([
      item(CAMERA, '校门摄像机'), item('41040200001310000002', '', 'OFF'), item('41040200001340000001', '一键报警 A&amp;B', 'ONLINE'), item('123', 'bad'),
    ]), 'gb2312'))) as CatalogMessage;
    expect(many.items.map((entry) => [entry.deviceId, entry.name, entry.status])).toEqual([
      [CAMERA, '校门摄像机', 'ON'], ['41040200001310000002', '', 'OFF'], ['41040200001340000001', '一键报警 A&B', 'ON'],
    ]);
    expect(many.skipped).toBe(1);
  });

  it('reads an empty catalog part', () => {
    const sut = parsed(`<Response><CmdType>Catalog</CmdType><SN>1</SN><DeviceID>${NVR}</DeviceID><SumNum>0</SumNum><DeviceList Num="0"></DeviceList></Response>`);
    expect(sut).toMatchObject({ kind: 'catalog', sumNum: 0, items: [], skipped: 0 });
  });

  it('answers other commands as other, with what it could read of them', () => {
    expect(parsed(`<Response><CmdType>DeviceInfo</CmdType><SN>9</SN><DeviceID>${NVR}</DeviceID><Result>OK</Result></Response>`))
      .toEqual({ kind: 'other', root: 'Response', cmdType: 'DeviceInfo', sn: 9, deviceId: NVR });
    expect(parsed('<Query><CmdType>Catalog</CmdType><SN>x</SN></Query>')).toEqual({ kind: 'other', root: 'Query', cmdType: 'Catalog' });
    expect(parsed(`<Control><CmdType>DeviceControl</CmdType><SN>1</SN><DeviceID>${CAMERA}</DeviceID></Control>`)).toMatchObject({ kind: 'other', root: 'Control' });
    expect(parsed(`<Notify><CmdType>MobilePosition</CmdType><SN>1</SN><DeviceID>${CAMERA}</DeviceID></Notify>`)).toMatchObject({ kind: 'other', root: 'Notify' });
  });

  it('refuses a message without SN or DeviceID, or with a wrong one', () => {
    expect(refused(keepaliveXml(`<DeviceID>${NVR}</DeviceID>`))).toBe('缺少 SN (SN missing)');
    expect(refused(keepaliveXml(`<SN>1.5</SN><DeviceID>${NVR}</DeviceID>`))).toBe('SN 应为至多 10 位的整数 (SN is not an integer of up to 10 digits)');
    expect(refused(keepaliveXml('<SN>1</SN>'))).toBe('缺少 DeviceID (DeviceID missing)');
    expect(refused(keepaliveXml('<SN>1</SN><DeviceID>4104020000118000001</DeviceID>'))).toContain('20');
    expect(refused(keepaliveXml(`<SN>1</SN><SN>2</SN><DeviceID>${NVR}</DeviceID>`))).toBe('缺少 SN (SN missing)');
  });

  it('refuses a wrong root, a missing CmdType, and truncated or malformed XML', () => {
    expect(refused(`<Message><CmdType>Keepalive</CmdType><SN>1</SN><DeviceID>${NVR}</DeviceID></Message>`)).toContain('unknown root');
    expect(refused(`<Notify><SN>1</SN><DeviceID>${NVR}</DeviceID></Notify>`)).toBe('缺少 CmdType (CmdType missing)');
    expect(refused('<Notify/>')).toBe('缺少 CmdType (CmdType missing)');
    expect(refused(keepaliveXml().slice(0, -20))).toContain('malformed XML');
    expect(refused('<Notify><CmdType>Keepalive</Notify>')).toContain('malformed XML');
    expect(refused('')).toContain('malformed XML');
    expect(refused('not xml at all')).toContain('malformed XML');
    expect(refused(`<Notify><CmdType>Keepalive</CmdType></Notify><Notify><CmdType>Keepalive</CmdType></Notify>`)).toContain('malformed XML');
  });

  it('refuses a billion-laughs DTD before parsing, without expanding anything', () => {
    const laughs = `<?xml version="1.0"?>
<!DOCTYPE Notify [
<!ENTITY lol "lol">
${Array.from({ length: 9 }, (_, level) => `<!ENTITY lol${level + 1} "${`&lol${level || ''};`.repeat(10)}">`).join('\n')}
]>
<Notify><CmdType>Keepalive</CmdType><SN>1</SN><DeviceID>${NVR}</DeviceID><Info>&lol9;</Info></Notify>`;
    const started = performance.now();
    expect(refused(laughs)).toBe('拒绝 DTD/实体声明 (DOCTYPE/ENTITY refused)');
    expect(performance.now() - started).toBeLessThan(50);
  });

  it('refuses an external entity, a lower-case doctype and a stray ENTITY declaration', () => {
    const external = `<?xml version="1.0"?><!DOCTYPE Notify SYSTEM "file:///etc/passwd"><Notify><CmdType>Keepalive</CmdType><SN>1</SN><DeviceID>${NVR}</DeviceID></Notify>`;
    expect(refused(external)).toContain('DOCTYPE');
    expect(refused(external.replace('<!DOCTYPE', '<!doctype'))).toContain('DOCTYPE');
    expect(refused(`<Notify><!ENTITY x SYSTEM "http://example.invalid/x"><CmdType>Keepalive</CmdType></Notify>`)).toContain('ENTITY');
  });

  it('leaves undeclared entity references as sent and decodes the predefined ones once', () => {
    const sut = parsed(`<Response><CmdType>Catalog</CmdType><SN>1</SN><DeviceID>${NVR}</DeviceID><SumNum>1</SumNum><DeviceList Num="1"><Item><DeviceID>${CAMERA}</DeviceID><Name>&xxe; &amp;lt; &#x6821;&#38376;</Name></Item></DeviceList></Response>`) as CatalogMessage;
    expect(sut.items[0]?.name).toBe('&xxe; &lt; 校门');
  });

  it('refuses huge text, too many elements and nesting too deep', () => {
    expect(refused(keepaliveXml(`<SN>1</SN><DeviceID>${NVR}</DeviceID><Info>${'x'.repeat(70_000)}</Info>`))).toContain('too large');
    expect(refused(keepaliveXml(`<SN>1</SN><DeviceID>${NVR}</DeviceID><Info>${'<a/>'.repeat(5000)}</Info>`))).toContain('too many elements');
    expect(refused(keepaliveXml(`<SN>1</SN><DeviceID>${NVR}</DeviceID>${'<a>'.repeat(30)}${'</a>'.repeat(30)}`))).toContain('too deep');
  });
});

describe('MANSCDP builders', () => {
  it('builds a GB2312 catalog query that parses back', () => {
    const body = buildCatalogQuery(17430, NVR);
    expect(body.toString('latin1').startsWith('<?xml version="1.0" encoding="GB2312"?>\r\n<Query>')).toBe(true);
    expect(parsed(decodeBody(body, MANSCDP_CONTENT_TYPE))).toEqual({ kind: 'other', root: 'Query', cmdType: 'Catalog', sn: 17430, deviceId: NVR });
  });

  it('builds a GB2312 alarm answer with Result OK that parses back', () => {
    const body = buildAlarmResponse(1207, CAMERA);
    expect(decodeBody(body)).toContain('<Result>OK</Result>');
    expect(parsed(decodeBody(body))).toEqual({ kind: 'other', root: 'Response', cmdType: 'Alarm', sn: 1207, deviceId: CAMERA });
  });

  it('answers the largest SN it reads', () => {
    const sut = parsed(keepaliveXml(`<SN>9999999999</SN><DeviceID>${NVR}</DeviceID>`));
    expect(parsed(decodeBody(buildAlarmResponse(sut.kind === 'keepalive' ? sut.sn : 0, NVR)))).toMatchObject({ sn: 9_999_999_999 });
    expect(refused(keepaliveXml(`<SN>10000000000</SN><DeviceID>${NVR}</DeviceID>`))).toBe('SN 应为至多 10 位的整数 (SN is not an integer of up to 10 digits)');
  });

  it('throws on an SN or code it cannot send', () => {
    expect(() => buildCatalogQuery(-1, NVR)).toThrow(RangeError);
    expect(() => buildAlarmResponse(1.5, NVR)).toThrow(RangeError);
    expect(() => buildAlarmResponse(1, '4104')).toThrow(RangeError);
  });
});

describe(alarmInstant.name, () => {
  it('reads device local time as +08:00 and keeps an explicit offset', () => {
    expect(alarmInstant('2026-12-04T07:58:03')).toBe('2026-12-04T07:58:03+08:00');
    expect(alarmInstant('2026-12-04 07:58:03.250')).toBe('2026-12-04T07:58:03.250+08:00');
    expect(alarmInstant('2026-12-04T07:58:03Z')).toBe('2026-12-04T07:58:03Z');
    expect(alarmInstant('2026-12-04T25:00:00')).toBeNull();
    expect(alarmInstant('2026-12-04')).toBeNull();
  });
});

describe(decodeXmlReferences.name, () => {
  it('decodes the predefined and character references and nothing else', () => {
    expect(decodeXmlReferences('&lt;&gt;&amp;&quot;&apos;&#20013;&#x56FD;&nbsp;&#xD800;')).toBe('<>&"\'中国&nbsp;&#xD800;');
  });
});
