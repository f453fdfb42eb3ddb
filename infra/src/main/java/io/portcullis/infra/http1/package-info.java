/**
 * HTTP/1.1 on the wire (RFC 9112), owned by the gateway: reading a message head strictly, deciding how its body is
 * framed, and decoding and encoding those bodies. The server reads clients' requests with it and the upstream leg
 * reads backends' answers with it, so both crossings apply one set of rules: a message whose framing could be read
 * two ways is refused, never guessed at.
 */
package io.portcullis.infra.http1;
