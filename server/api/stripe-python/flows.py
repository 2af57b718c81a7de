"""The official stripe-python library (Debian's python3-stripe), unmodified, against a PaymentFlow server.

Usage: python3 flows.py BASE_URL SECRET_KEY
Runs the flows a Python integration makes and prints one JSON object with what it saw, for the test to check.
stripe-python sends booleans as `True`/`False` and lists as `expand[0]=...`, `payment_method_types[0]=card`.
"""
import io
import json
import sys

import stripe


def plain(obj):
    return obj.to_dict_recursive() if hasattr(obj, "to_dict_recursive") else obj


def main():
    base_url, secret_key = sys.argv[1], sys.argv[2]
    stripe.api_base = base_url
    # Uploads go to Stripe's files host unless told otherwise (StripeClient: base_addresses={"files": ...}).
    stripe.upload_api_base = base_url
    stripe.api_key = secret_key
    stripe.max_network_retries = 0
    tag = sys.argv[3] if len(sys.argv) > 3 else "python"
    out = {"library_version": getattr(stripe, "version", None) and stripe.version.VERSION}

    customer = stripe.Customer.create(email="python.user@example.test", name="Python User", metadata={"tag": tag})
    out["customer"] = plain(customer)

    intent = stripe.PaymentIntent.create(
        amount=2000,
        currency="usd",
        customer=customer.id,
        payment_method="pm_card_visa",
        payment_method_types=["card"],
        confirm=True,
        metadata={"tag": tag},
    )
    out["created"] = plain(intent)

    # Created first, confirmed separately, captured later.
    manual = stripe.PaymentIntent.create(amount=1500, currency="eur", capture_method="manual", metadata={"tag": tag})
    manual = stripe.PaymentIntent.confirm(manual.id, payment_method="pm_card_mastercard")
    out["authorized"] = plain(manual)
    out["captured"] = plain(stripe.PaymentIntent.capture(manual.id, amount_to_capture=1000))

    retrieved = stripe.PaymentIntent.retrieve(intent.id, expand=["customer", "payment_method", "latest_charge"])
    out["retrieved"] = plain(retrieved)

    listed = stripe.PaymentIntent.list(limit=1, customer=customer.id, expand=["data.customer"])
    out["listed"] = plain(listed)
    out["all_ids"] = [pi.id for pi in stripe.PaymentIntent.list(limit=1).auto_paging_iter()]

    out["refund"] = plain(stripe.Refund.create(payment_intent=intent.id, amount=500, reason="requested_by_customer"))
    out["refund_rest"] = plain(stripe.Refund.create(payment_intent=intent.id, expand=["payment_intent"]))
    out["refunds"] = plain(stripe.Refund.list(payment_intent=intent.id))

    try:
        stripe.PaymentIntent.create(amount=2000, currency="usd", payment_method="pm_card_chargeDeclined", confirm=True)
        out["decline"] = None
    except stripe.error.CardError as error:
        out["decline"] = {"code": error.code, "http_status": error.http_status, "decline_code": getattr(error.error, "decline_code", None)}

    try:
        stripe.PaymentIntent.retrieve(intent.id, expand=["nonsense"])
        out["bad_expand"] = None
    except stripe.error.InvalidRequestError as error:
        out["bad_expand"] = {"http_status": error.http_status, "message": error.user_message}

    # Stripe Checkout: a session with line items, its items, a list by payment intent, expire.
    session = stripe.checkout.Session.create(
        mode="payment",
        line_items=[
            {"price_data": {"currency": "jpy", "unit_amount": 1200, "product_data": {"name": "Sencha"}}, "quantity": 2},
            {"price_data": {"currency": "jpy", "unit_amount": 480, "product_data": {"name": "Mochi", "description": "Six pieces"}}, "quantity": 1},
        ],
        success_url="https://shop.example/ok?session_id={CHECKOUT_SESSION_ID}",
        client_reference_id=tag,
        metadata={"tag": tag},
    )
    out["session"] = plain(session)
    out["session_items"] = plain(stripe.checkout.Session.list_line_items(session.id, limit=10))
    out["session_listed"] = plain(stripe.checkout.Session.list(payment_intent=session.payment_intent))
    out["session_expired"] = plain(stripe.checkout.Session.expire(session.id))

    # Dispute evidence: a PDF uploaded with File.create (multipart, to upload_api_base), named by a dispute.
    evidence = io.BytesIO(b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n")
    evidence.name = "receipt.pdf"
    uploaded = stripe.File.create(purpose="dispute_evidence", file=evidence)
    out["file"] = plain(uploaded)
    paid = stripe.PaymentIntent.create(amount=3100, currency="usd", payment_method="pm_card_createDispute", confirm=True)
    disputed = stripe.Dispute.list(payment_intent=paid.id).data[0]
    out["dispute_with_file"] = plain(stripe.Dispute.modify(disputed.id, evidence={"receipt": uploaded.id, "uncategorized_text": "winning_evidence"}))
    try:
        fake = io.BytesIO(b"not a pdf at all")
        fake.name = "fake.pdf"
        stripe.File.create(purpose="dispute_evidence", file=fake)
        out["bad_file"] = None
    except stripe.error.InvalidRequestError as error:
        out["bad_file"] = {"http_status": error.http_status, "param": error.param}

    print(json.dumps(out))


if __name__ == "__main__":
    main()
