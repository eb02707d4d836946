-- A credit note line names the invoice line it gives back (a subscription
-- invoice may charge one order line on several lines: periods, or seats
-- split by an amendment); earlier lines are the first invoice line of
-- their order line.
ALTER TABLE credit_note_lines ADD COLUMN invoice_line_no INTEGER NOT NULL DEFAULT 0;
UPDATE credit_note_lines SET invoice_line_no = COALESCE((SELECT MIN(il.line_no) FROM invoice_lines il
    JOIN credit_notes c ON c.invoice_id = il.invoice_id
    WHERE c.id = credit_note_lines.credit_note_id AND il.order_line_id = credit_note_lines.order_line_id), 0);
-- A contract whose terms credit reductions takes fewer seats off from the
-- amendment's effective date and credits the days already invoiced.
ALTER TABLE contracts ADD COLUMN credit_reductions BOOLEAN NOT NULL DEFAULT false;
-- An amendment quote keeps the contract's term as it stood when the quote
-- was made: what the customer is shown is what accepting it does.
ALTER TABLE quotes ADD COLUMN reductions_credited BOOLEAN NOT NULL DEFAULT false;
