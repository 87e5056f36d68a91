import { describe, expect, it } from 'vitest';
import { douyinParamJson, signDouyin, signJd, signPdd, signTop, sortedParamString } from './platform-signing.ts';

// Known answers. No platform publishes a digest for a given secret and parameters (TOP's page
// shows the string to sign, not its digest; JD's, Douyin's and Pinduoduo's show the steps only),
// so each expected value below was computed by hand from the documented string to sign with
// coreutils/openssl, not with this module (the command is beside each). The algorithms: TOP's
// "Signature workflow" (developer.alibaba.com articleId=105423) and its Java signTopRequest, where
// hmac is HMAC-MD5 keyed by the secret over the bare sorted string; JD's, Pinduoduo's and Douyin's
// published signing steps.
const SECRET = 'testsecret';
const AT = '2026-11-11 10:00:00';

describe('platform signing', () => {
  it("strings the parameters as TOP's documentation shows (foo=1, bar=2, foo_bar=3, foobar=4)", () => {
    expect(sortedParamString({ foo: '1', bar: '2', foo_bar: '3', foobar: '4', sign: 'X' })).toBe('bar2foo1foo_bar3foobar4');
    // printf '%s' 'testsecretbar2foo1foo_bar3foobar4testsecret' | md5sum
    expect(signJd({ foo: '1', bar: '2', foo_bar: '3', foobar: '4' }, SECRET)).toBe('54C22189FE38F1B7E6E4D701FB82851E');
  });

  const top = { app_key: '12345678', format: 'json', method: 'taobao.trades.sold.increment.get', session: 'test-session', timestamp: AT, v: '2.0' };
  it('signs TOP md5: MD5(secret + sorted params + secret)', () => {
    // printf '%s' 'testsecretapp_key12345678formatjsonmethodtaobao.trades.sold.increment.getsessiontest-sessionsign_methodmd5timestamp2026-11-11 10:00:00v2.0testsecret' | md5sum
    expect(signTop({ ...top, sign_method: 'md5' }, SECRET)).toBe('72C977F06C3DACBA7FC6DB684CD6BC3D');
  });
  it('signs TOP hmac: HMAC-MD5(secret, sorted params)', () => {
    // printf '%s' 'app_key12345678formatjsonmethodtaobao.trades.sold.increment.getsessiontest-sessionsign_methodhmactimestamp2026-11-11 10:00:00v2.0' | openssl dgst -md5 -hmac testsecret
    expect(signTop({ ...top, sign_method: 'hmac' }, SECRET)).toBe('34CEDD85CA4A83263C385E17684F0E0C');
    expect(() => signTop({ ...top, sign_method: 'sha1' }, SECRET)).toThrow('sign_method: must be md5 or hmac, got "sha1"');
  });

  it('signs JD with 360buy_param_json among the sorted parameters', () => {
    // printf '%s' 'testsecret360buy_param_json{"page":"1","page_size":"50"}access_tokentest-tokenapp_keyjdkeymethodjingdong.pop.order.searchtimestamp2026-11-11 10:00:00v2.0testsecret' | md5sum
    const params = { '360buy_param_json': '{"page":"1","page_size":"50"}', access_token: 'test-token', app_key: 'jdkey', method: 'jingdong.pop.order.search', timestamp: AT, v: '2.0' };
    expect(signJd(params, SECRET)).toBe('E21155D64267E81F356FAE8707EADD44');
  });

  it('signs Douyin hmac-sha256 over param_json with sorted keys', () => {
    const paramJson = douyinParamJson({ size: '50', page: '0' });
    expect(paramJson).toBe('{"page":"0","size":"50"}');
    // printf '%s' 'testsecretapp_keydykeymethodorder.searchListparam_json{"page":"0","size":"50"}timestamp1794362400v2testsecret' | openssl dgst -sha256 -hmac testsecret
    expect(signDouyin({ app_key: 'dykey', method: 'order.searchList', param_json: paramJson, timestamp: '1794362400', v: '2' }, SECRET)).toBe(
      'f2cb7ad70c5d676d9eb0f773caba7acdbe067f00acae9046a2cb573738a4d530',
    );
  });

  it('signs Pinduoduo: MD5(client_secret + sorted params + client_secret)', () => {
    // printf '%s' 'testsecretaccess_tokentest-tokenclient_idpddiddata_typeJSONpage1timestamp1794362400typepdd.order.number.list.increment.gettestsecret' | md5sum
    const params = { access_token: 'test-token', client_id: 'pddid', data_type: 'JSON', page: '1', timestamp: '1794362400', type: 'pdd.order.number.list.increment.get' };
    expect(signPdd(params, SECRET)).toBe('7269DBE0A57F4B41071476DD6F6DAF7F');
    // Any change to a signed value changes the sign.
    expect(signPdd({ ...params, page: '2' }, SECRET)).not.toBe('7269DBE0A57F4B41071476DD6F6DAF7F');
  });
});
