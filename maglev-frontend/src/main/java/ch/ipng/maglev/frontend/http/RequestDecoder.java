package ch.ipng.maglev.frontend.http;

import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpRequestDecoder;

/**
 * Netty's request decoder, stricter in one point: a request with both Content-Length and
 * Transfer-Encoding: chunked is refused (Netty would drop the Content-Length and go on; a proxy in
 * front that read the other header would disagree on where the request ends), so it reaches the
 * router as a failed request, answered 400 and closed. Bare-LF line ends are refused by Netty's
 * strict line parsing.
 */
final class RequestDecoder extends HttpRequestDecoder {
  RequestDecoder(HttpLimits limits) {
    super(
        new HttpDecoderConfig()
            // method, a space, the target, a space, HTTP/1.1: the router answers 414 for a
            // target over the limit, the decoder for a line far over it
            .setMaxInitialLineLength(limits.maxUriLength() + 64)
            .setMaxHeaderSize(limits.maxHeaderSize())
            .setStrictLineParsing(true)
            .setAllowDuplicateContentLengths(false));
  }

  @Override
  protected void handleTransferEncodingChunkedWithContentLength(HttpMessage message) {
    throw new IllegalArgumentException(
        "Content-Length and Transfer-Encoding: chunked in one request (expected: one of them)");
  }
}
