/**
 * The tiny test model's WordPiece vocabulary: the special tokens, ASCII letters and digits, every
 * lower-case Vietnamese letter (all vowel and tone combinations plus "đ") alone and as a "##" word piece,
 * common punctuation, and a fixed list of common Vietnamese syllables (everyday and justice-sector words)
 * both with diacritics and with them stripped. Any Vietnamese or ASCII word therefore tokenises without
 * [UNK]: known syllables as one token, other words letter by letter. The order is fixed, so ids are stable.
 */
import { stripDiacritics } from '../engine/text/vietnamese';

/** Special tokens, in id order 0..4 (BERT convention). */
export const SPECIAL_TOKENS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'] as const;

/** Common Vietnamese syllables, with diacritics (NFC, lower case). */
const SYLLABLES = `
tôi bạn anh chị em ông bà cô chú bác cháu con cha mẹ vợ chồng gia đình người dân công
có không là của và cho với được trong ngoài này đó kia những các một hai ba bốn năm sáu bảy tám chín mười
trăm nghìn triệu đồng tiền phí lệ miễn giảm bao nhiêu mấy lâu ngày tháng tuần giờ phút hôm nay mai qua
làm thế nào sao gì đâu ai khi nếu thì mà nhưng hay hoặc vì nên để đã đang sẽ cần phải muốn xin hỏi
biết giúp cách ở tại đến từ về theo trước sau khác mới cũ nhất hơn rất nhiều ít đủ thiếu hết còn lại
đăng ký khai sinh tử kết hôn ly thú nhận nuôi giám hộ tịch tư pháp chứng thực bản sao chính giấy tờ
thủ tục hồ sơ nộp nhận trả kết quả hạn thời gian xử lý cơ quan ủy ban nhân xã phường thị trấn quận
huyện tỉnh thành phố trung ương bộ sở phòng cục tòa án viện kiểm sát công an cảnh sát thi hành
luật sư trợ lý hòa giải tranh chấp khiếu nại tố cáo đơn yêu cầu quyết định bản án hợp đồng mua bán
cho thuê tặng thừa kế di chúc tài sản đất nhà ở quyền sử dụng sổ đỏ hồng cấp đổi lại bị mất
hỏng sai sót cải chính bổ sung thay xác lai lịch quốc tịch nước việt nam ngoài hộ chiếu căn cước
cư trú thường tạm vắng chỗ địa chỉ điện thoại thư số mã trực tuyến mạng dịch vụ cổng
lao động việc bảo hiểm xã hội y tế lương hưu thai sản trẻ học sinh trường giáo dục
hình sự dân kinh doanh doanh nghiệp thuế chữ ký dấu mẫu tờ khai phiếu lý lịch
tên họ tuổi ngày sinh nơi nam nữ đứa bé già ốm chết qua đời mẹ đơn thân cha dượng mẹ kế
bạo lực bị hại nạn nhân bảo vệ an toàn khẩn cấp gọi đường dây nóng hỗ trợ miễn phí
đi lại xem tìm thấy nói viết đọc nghe ký nhờ ủy quyền đại diện mang theo chuẩn bị
gì đây đấy ạ nhé vâng dạ ừ chào cảm ơn xin lỗi được không
`;

/** Lower-case Vietnamese vowels before tone marks. */
const VOWEL_BASES = ['a', 'ă', 'â', 'e', 'ê', 'i', 'o', 'ô', 'ơ', 'u', 'ư', 'y'];
/** Combining tone marks: none, grave, acute, hook above, tilde, dot below. */
const TONES = ['', '\u0300', '\u0301', '\u0309', '\u0303', '\u0323'];
const PUNCTUATION = [...'.,?!:;()[]-/"\'%&+*=<>@#'];

/** Every lower-case Vietnamese letter that is not plain ASCII (vowels with marks, and đ). */
function vietnameseLetters(): string[] {
  const out: string[] = [];
  for (const base of VOWEL_BASES) {
    for (const tone of TONES) out.push((base + tone).normalize('NFC'));
  }
  out.push('đ');
  return out.filter((c) => !/^[a-z]$/.test(c));
}

/** The syllable list split into tokens, NFC, in first-seen order. */
export function vietnameseSyllables(): string[] {
  return SYLLABLES.normalize('NFC')
    .split(/\s+/)
    .filter((s) => s.length > 0);
}

/** The full vocabulary, token → id, deduplicated in a fixed order. */
export function buildVocabulary(): Map<string, number> {
  const ordered: string[] = [...SPECIAL_TOKENS];
  const letters = [...'abcdefghijklmnopqrstuvwxyz0123456789', ...vietnameseLetters()];
  ordered.push(...letters, ...letters.map((l) => `##${l}`), ...PUNCTUATION);
  for (const syllable of vietnameseSyllables()) {
    ordered.push(syllable, stripDiacritics(syllable));
  }
  const vocab = new Map<string, number>();
  for (const token of ordered) {
    if (!vocab.has(token)) vocab.set(token, vocab.size);
  }
  return vocab;
}
