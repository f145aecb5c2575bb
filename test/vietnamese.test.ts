import { canonicalSyllable, cleanText, foldText, stripDiacritics } from '../src/engine/text/vietnamese';
import { detectLanguage } from '../src/engine/text/language';
import { maskPersonalData } from '../src/log';

describe('Vietnamese normalisation', () => {
  it('treats NFC and NFD input alike and lower-cases', () => {
    const nfd = 'ĐĂNG KÝ KHAI SINH'.normalize('NFD');
    expect(cleanText(nfd)).toBe('đăng ký khai sinh');
  });

  it('unifies both tone-mark placements', () => {
    expect(canonicalSyllable('hoà')).toBe(canonicalSyllable('hòa'));
    expect(canonicalSyllable('thuỷ')).toBe(canonicalSyllable('thủy'));
    expect(canonicalSyllable('khoẻ')).toBe(canonicalSyllable('khỏe'));
    expect(canonicalSyllable('hoà')).not.toBe(canonicalSyllable('hoá'));
  });

  it('unifies i/y after h, k, l, m, s, t and qu', () => {
    expect(canonicalSyllable('kí')).toBe(canonicalSyllable('ký'));
    expect(canonicalSyllable('lí')).toBe(canonicalSyllable('lý'));
    expect(canonicalSyllable('mĩ')).toBe(canonicalSyllable('mỹ'));
    expect(canonicalSyllable('quí')).toBe(canonicalSyllable('quý'));
    expect(canonicalSyllable('ký')).not.toBe(canonicalSyllable('kỳ'));
    expect(canonicalSyllable('tuy')).toBe('tuy');
  });

  it('folds diacritics and đ, keeping digits', () => {
    expect(foldText('Đăng ký kết hôn lần 2!')).toBe('dang ki ket hon lan 2');
    expect(foldText('phiếu LLTP số 2')).toBe('phieu lltp so 2');
  });

  it('strips diacritics keeping case and punctuation', () => {
    expect(stripDiacritics('Đăng ký khai sinh ở đâu?')).toBe('Dang ky khai sinh o dau?');
  });
});

describe('language detection', () => {
  it('keeps Vietnamese typed without diacritics as Vietnamese', () => {
    expect(detectLanguage(cleanText('dang ky ket hon can giay to gi').split(' '))).toBe('vi');
    expect(detectLanguage(cleanText('lam khai sinh cho con o dau').split(' '))).toBe('vi');
  });
  it('recognises English questions', () => {
    expect(detectLanguage(cleanText('Where do we register our marriage?').split(' '))).toBe('en');
    expect(
      detectLanguage(cleanText('how much is the fee for a criminal record certificate').split(' ')),
    ).toBe('en');
  });
});

describe('personal data masking', () => {
  it('masks 12-digit citizen ID numbers and phone numbers', () => {
    const masked = maskPersonalData('CCCD 040195001234, sđt 0912 345 678, +84 912345678');
    expect(masked).not.toMatch(/040195001234|0912 345 678|912345678/);
    expect(masked).toContain('*********234');
  });
  it('masks international numbers, e.g. in channel conversation ids', () => {
    expect(maskPersonalData('twilio-sms:+14155551234')).toBe('twilio-sms:+***234');
  });
  it('leaves other numbers alone', () => {
    expect(maskPersonalData('lệ phí 8.000 đồng, 05 ngày làm việc')).toBe(
      'lệ phí 8.000 đồng, 05 ngày làm việc',
    );
  });
});
