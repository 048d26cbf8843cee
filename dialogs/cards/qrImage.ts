// The authenticator-app QR code as a PNG data URI, small enough for an Adaptive Card Image element.
import QRCode from 'qrcode';

export async function qrPngDataUri(text: string): Promise<string> {
  return QRCode.toDataURL(text, { type: 'image/png', errorCorrectionLevel: 'M', margin: 2, width: 240 });
}
