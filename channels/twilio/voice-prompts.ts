/**
 * What the phone line says, in Vietnamese, and what its keys mean: the greeting, the menus (main,
 * hộ tịch, after an answer, clarify, officer), re-prompts and hold messages (with the place in the
 * officers' queue); what an officer hears when the console rings them; the speech hints; the vi-VN voice. The bot decides answers; these are only the IVR's own words.
 */
import type VoiceResponse from 'twilio/lib/twiml/VoiceResponse';

/** twilio-node lists only Google voices for vi-VN. */
export const SAY: VoiceResponse.SayAttributes = { voice: 'Google.vi-VN-Standard-A', language: 'vi-VN' };

/** Words the recogniser should expect (comma-separated, as Twilio wants them). */
export const HINTS = [
  'khai sinh',
  'kết hôn',
  'khai tử',
  'chứng thực',
  'chứng thực bản sao',
  'chứng thực chữ ký',
  'lý lịch tư pháp',
  'trợ giúp pháp lý',
  'hộ tịch',
  'trích lục',
  'xác nhận tình trạng hôn nhân',
  'nuôi con nuôi',
  'quốc tịch',
  'giấy tờ',
  'lệ phí',
  'thời gian',
  'nộp ở đâu',
  'nộp trực tuyến',
  'VNeID',
  'gặp cán bộ',
].join(', ');

/** Keys of the main menu: a question for the bot, or the hộ tịch sub-menu. */
export const MAIN_KEYS: Record<string, string | { menu: 'hotich' }> = {
  '1': { menu: 'hotich' },
  '2': 'chứng thực',
  '3': 'lý lịch tư pháp',
  '4': 'trợ giúp pháp lý',
};

/** Keys of the menu after an answer that rate it (with a database): index into the bot's [👍, 👎]. */
export const RATING_KEYS: Record<string, 0 | 1> = { '8': 0, '9': 1 };

export const HOTICH_KEYS: Record<string, string> = {
  '1': 'đăng ký khai sinh',
  '2': 'đăng ký kết hôn',
  '3': 'đăng ký khai tử',
};

const OFFICER_KEY = 'bấm 0 để gặp cán bộ';

const capitalize = (s: string) => s.charAt(0).toLocaleUpperCase('vi') + s.slice(1);

export const PROMPTS = {
  greeting: 'Xin chào, đây là Trợ lý Tư pháp, tổng đài tự động hướng dẫn thủ tục hành chính tư pháp.',
  mainMenu:
    'Anh chị hãy nói câu hỏi, ví dụ: làm giấy khai sinh cần giấy tờ gì. Hoặc bấm 1 về hộ tịch, bấm 2 về chứng thực, ' +
    `bấm 3 về lý lịch tư pháp, bấm 4 về trợ giúp pháp lý, ${OFFICER_KEY}.`,
  hotichMenu: `Về hộ tịch: bấm 1 cho khai sinh, bấm 2 cho kết hôn, bấm 3 cho khai tử, hoặc nói việc cần làm. Muốn gặp cán bộ, ${OFFICER_KEY}.`,
  afterMenu(sms: boolean, examples: string[], rate = false): string {
    const keys = ['Bấm 1 để nghe lại', 'bấm 2 để hỏi tiếp'];
    if (sms) keys.push('bấm 3 để nhận hướng dẫn qua tin nhắn');
    keys.push(OFFICER_KEY);
    const rating = rate ? ' Nếu câu trả lời hữu ích, bấm 8; nếu chưa đúng, bấm 9.' : '';
    const hint = examples.length > 0 ? ` Anh chị cũng có thể hỏi luôn, ví dụ: ${examples.join(', ')}.` : '';
    return `${keys.join(', ')}.${rating}${hint}`;
  },
  ask: `Mời anh chị nói câu hỏi. Muốn gặp cán bộ, ${OFFICER_KEY}.`,
  clarify(labels: string[]): string {
    const keys = labels.map((l, i) => `bấm ${i + 1} cho ${l}`);
    return `Anh chị đang hỏi về thủ tục nào? ${capitalize(keys.join(', '))}. Hoặc ${OFFICER_KEY}.`;
  },
  notHeard: 'Xin lỗi, tôi chưa nghe rõ.',
  wrongKey: 'Phím này không có trong danh sách.',
  offerOfficer: `Tôi vẫn chưa nghe được câu trả lời. Anh chị có muốn gặp cán bộ không? Nếu có, ${OFFICER_KEY}. Hoặc nói lại câu hỏi.`,
  goodbye: 'Cảm ơn anh chị đã gọi Trợ lý Tư pháp. Xin chào và hẹn gặp lại.',
  transfer: 'Tôi đang chuyển anh chị tới cán bộ. Xin anh chị vui lòng giữ máy.',
  closed(nextOpening: string | undefined, hours: string): string {
    const next = nextOpening ? ` Trung tâm sẽ mở cửa lại lúc ${nextOpening}.` : '';
    return `Hiện đã ngoài giờ làm việc. Cán bộ nghe máy ${hours}.${next}`;
  },
  closedMenu(sms: boolean): string {
    const keys = sms ? ['bấm 1 để nhận tin nhắn hướng dẫn gửi câu hỏi bằng tin nhắn'] : [];
    keys.push('bấm 2 để tiếp tục hỏi trợ lý tự động');
    return `${capitalize(keys.join(', '))}, hoặc gác máy và gọi lại trong giờ làm việc.`;
  },
  officerBusy: 'Xin lỗi, hiện chưa có cán bộ nào nhận được cuộc gọi.',
  /** While waiting (the queue's wait URL): the place in the officers' queue, numbers in words. */
  waiting(position: string, minutes: string): string {
    return `Anh chị đang ở vị trí số ${position} trong hàng chờ, thời gian chờ khoảng ${minutes} phút. Xin anh chị vui lòng giữ máy.`;
  },
  officerTaking: 'Cán bộ đã nhận yêu cầu của anh chị và sẽ nghe máy ngay. Xin anh chị vui lòng giữ máy.',
  holdOn: 'Xin anh chị vui lòng giữ máy, cán bộ sẽ nghe máy ngay khi có thể.',
  backToBot: 'Cán bộ đã kết thúc yêu cầu gặp cán bộ của anh chị. Anh chị có thể tiếp tục hỏi trợ lý tự động.',
  /** Said to the officer the console rings, before the caller is connected. */
  officerCall: 'Trợ lý Tư pháp: anh chị nhận cuộc gọi của công dân đang chờ. Xin mời nói chuyện.',
  officerCallEnded: 'Cuộc gọi với công dân đã kết thúc, hoặc công dân đã gác máy.',
  smsSent: 'Tôi đã gửi tin nhắn hướng dẫn tới số điện thoại của anh chị.',
  smsFailed: 'Xin lỗi, tôi chưa gửi được tin nhắn. Anh chị vui lòng thử lại sau.',
  smsNoNumber: 'Xin lỗi, tôi không gửi được tin nhắn tới số máy này.',
  smsInviteSent:
    'Tôi đã gửi tin nhắn tới số điện thoại của anh chị. Anh chị có thể nhắn câu hỏi vào số đó bất cứ lúc nào để được trả lời tự động.',
  error: 'Xin lỗi, hệ thống đang gặp sự cố.',
};

/** The SMS a caller gets outside opening hours when choosing to leave the question by text message. */
export function smsInvitation(hours: string): string {
  return (
    'Trợ lý Tư pháp: anh/chị có thể nhắn câu hỏi về thủ tục tư pháp vào số này bất cứ lúc nào để được trả lời tự động ' +
    `(ví dụ: "làm giấy khai sinh cần giấy tờ gì"). Cán bộ nghe máy ${hours}.`
  );
}
