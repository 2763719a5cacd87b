//! Building the MIME message for an outbox envelope.

use lettre::Message;
use lettre::message::{Mailbox, MultiPart, SinglePart, header};
use portico_kernel::EmailAddress;
use portico_mail_log::{DeliveryError, Envelope};

use crate::readable_body::{EightBit, readable_body};

/// Builds the message, its bodies 8-bit where `eight_bit` allows. An address lettre
/// refuses is a permanent failure: retrying would not change it. (Portico's
/// addresses are validated on entry, so this is a last line of defence against
/// header injection, not a normal path.)
pub fn compose(
    envelope: &Envelope,
    sender: &EmailAddress,
    eight_bit: EightBit,
) -> Result<Message, DeliveryError> {
    let from: Mailbox = sender
        .as_str()
        .parse()
        .map_err(|_| DeliveryError::Permanent("the sender address is not valid".into()))?;
    let to: Mailbox = envelope
        .to
        .as_str()
        .parse()
        .map_err(|_| DeliveryError::Permanent("the recipient address is not valid".into()))?;
    Message::builder()
        .from(from)
        .to(to)
        .subject(envelope.content.subject.clone())
        .message_id(Some(envelope.message_id_header.clone()))
        .multipart(
            MultiPart::alternative()
                .singlepart(SinglePart::plain(readable_body(
                    &envelope.content.text,
                    eight_bit,
                )))
                .singlepart(SinglePart::html(readable_body(
                    &envelope.content.html,
                    eight_bit,
                ))),
        )
        .map_err(|e| DeliveryError::Permanent(format!("the message cannot be built: {e}")))
        .map(|mut message| {
            message.headers_mut().set(header::MIME_VERSION_1_0);
            message
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use portico_kernel::MessageId;
    use portico_mail_log::Content;

    fn envelope(to: &str) -> Envelope {
        Envelope {
            id: MessageId::generate(),
            to: EmailAddress::parse(to).unwrap(),
            content: Content {
                subject: "Grüße".into(),
                text: "Hello ?token=abc".into(),
                html: "<p>Hello</p>".into(),
            },
            message_id_header: "<id-1@mail.example>".into(),
            attempts: 1,
            lease_until: time::OffsetDateTime::UNIX_EPOCH,
        }
    }

    #[test]
    fn the_message_carries_both_bodies_and_the_stable_message_id() {
        let sender = EmailAddress::parse("portal@example.com").unwrap();
        let message = compose(&envelope("ada@example.com"), &sender, EightBit::Allowed).unwrap();
        let raw = String::from_utf8(message.formatted()).unwrap();
        assert!(raw.contains("Message-ID: <id-1@mail.example>"));
        assert!(raw.contains("multipart/alternative"));
        assert!(raw.contains("text/plain"));
        assert!(raw.contains("text/html"));
        assert!(raw.contains("To: ada@example.com"));
        // Both parts go as they are, so a link in them can be copied whole.
        assert_eq!(
            raw.matches("Content-Transfer-Encoding: 7bit").count(),
            2,
            "{raw}"
        );
        assert!(!raw.contains("quoted-printable"), "{raw}");
    }
}
