-- The rewards catalogue and its coupons (rewards issue): a reward is what a customer can
-- turn points into; redeeming it spends the points and issues a coupon, in one
-- transaction (reward_redeem(), sql/functions/64_reward_redeem.sql).

CREATE TABLE rewards (
    tenant_id          uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id                 uuid NOT NULL DEFAULT gen_random_uuid(),
    name               text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    points_cost        bigint NOT NULL CHECK (points_cost BETWEEN 1 AND 1000000000),
    kind               text NOT NULL
                       CHECK (kind IN ('fixed_amount', 'percent', 'free_shipping', 'gift', 'custom')),
    amount             numeric(17, 4) CHECK (amount > 0),
    currency           text CHECK (currency ~ '^[A-Z]{3}$'),
    percent            numeric(7, 4) CHECK (percent > 0 AND percent <= 100),
    description        text NOT NULL DEFAULT '' CHECK (length(description) <= 1000),
    tier               text CHECK (length(tier) BETWEEN 1 AND 64),
    starts_at          timestamptz,
    ends_at            timestamptz,
    stock              integer CHECK (stock BETWEEN 0 AND 100000000),
    issued             integer NOT NULL DEFAULT 0 CHECK (issued >= 0),
    per_customer_limit integer CHECK (per_customer_limit BETWEEN 1 AND 1000000),
    coupon_valid_days  integer CHECK (coupon_valid_days BETWEEN 1 AND 3650),
    refund_on_expiry   boolean NOT NULL DEFAULT false,
    code_prefix        text NOT NULL DEFAULT '' CHECK (code_prefix ~ '^[A-Z0-9-]{0,16}$'),
    code_length        integer NOT NULL DEFAULT 10 CHECK (code_length BETWEEN 6 AND 32),
    codes              text NOT NULL DEFAULT 'generated' CHECK (codes IN ('generated', 'pool')),
    enabled            boolean NOT NULL DEFAULT true,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    CHECK (ends_at IS NULL OR starts_at IS NULL OR ends_at > starts_at),
    CHECK (stock IS NULL OR issued <= stock),
    CHECK ((kind = 'fixed_amount') = (amount IS NOT NULL AND currency IS NOT NULL)),
    CHECK ((kind = 'percent') = (percent IS NOT NULL))
);
COMMENT ON TABLE rewards IS 'The rewards catalogue: what a customer can spend points on. Redeeming one spends points_cost and issues a coupon.';
COMMENT ON COLUMN rewards.tier IS 'The lowest tier of the programme whose customers may redeem it; NULL: everyone.';
COMMENT ON COLUMN rewards.stock IS 'How many coupons it may issue in all; NULL: no limit. issued counts those issued.';
COMMENT ON COLUMN rewards.coupon_valid_days IS 'Days an issued coupon stays usable; NULL: it never expires.';
COMMENT ON COLUMN rewards.refund_on_expiry IS 'Whether the points of a coupon that expires unused go back to the customer.';
COMMENT ON COLUMN rewards.codes IS 'generated: each redemption makes a code (code_prefix + code_length characters); pool: it takes a code of the reward''s pool (generated in bulk or imported).';
CREATE INDEX rewards_tenant_created ON rewards (tenant_id, created_at, id);

CREATE TABLE coupons (
    tenant_id       uuid NOT NULL,
    id              bigint GENERATED ALWAYS AS IDENTITY,
    reward_id       uuid NOT NULL,
    code            text NOT NULL CHECK (code ~ '^[A-Z0-9_-]{1,64}$'),
    status          text NOT NULL DEFAULT 'available'
                    CHECK (status IN ('available', 'issued', 'used', 'expired')),
    customer_id     bigint,
    points          bigint CHECK (points > 0),
    redeem_entry_id bigint,
    issued_at       timestamptz,
    expires_at      timestamptz,
    used_at         timestamptz,
    order_id        text CHECK (length(order_id) BETWEEN 1 AND 128),
    expired_at      timestamptz,
    refund_entry_id bigint,
    created_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, code),
    FOREIGN KEY (tenant_id, reward_id) REFERENCES rewards (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, customer_id) REFERENCES customers (tenant_id, id) ON DELETE CASCADE,
    CHECK ((status = 'available') = (customer_id IS NULL)),
    CHECK ((status = 'used') = (used_at IS NOT NULL))
);
COMMENT ON TABLE coupons IS 'Coupon codes: available (in a reward''s pool, not issued), issued to a customer by a redemption, used once at checkout (with the order id), or expired unused.';
COMMENT ON COLUMN coupons.code IS 'Upper case: codes are matched without regard to case.';
COMMENT ON COLUMN coupons.redeem_entry_id IS 'The ledger entry that spent the points.';
COMMENT ON COLUMN coupons.refund_entry_id IS 'The ledger entry that gave the points back when it expired (refund_on_expiry).';
CREATE INDEX coupons_customer ON coupons (tenant_id, customer_id, id) WHERE customer_id IS NOT NULL;
CREATE INDEX coupons_reward_status ON coupons (tenant_id, reward_id, status, id);
CREATE INDEX coupons_expiring ON coupons (expires_at) WHERE status = 'issued';

-- Points an expired coupon gives back are a ledger entry of their own: 'return', a positive
-- lot that undoes the redemption (the points report nets it against what was redeemed).
ALTER TABLE points_ledger DROP CONSTRAINT points_ledger_kind_check;
ALTER TABLE points_ledger ADD CONSTRAINT points_ledger_kind_check
    CHECK (kind IN ('earn', 'redeem', 'adjust', 'expire', 'refund', 'return'));
COMMENT ON COLUMN points_ledger.kind IS 'earn, redeem, adjust (admin), expire (lapsed lots, written before any other write), refund (points taken back), return (the points of a coupon that expired unused, given back).';

ALTER TABLE rewards ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON rewards USING (tenant_id = loyaltyd_tenant())
    WITH CHECK (tenant_id = loyaltyd_tenant());
ALTER TABLE coupons ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON coupons USING (tenant_id = loyaltyd_tenant())
    WITH CHECK (tenant_id = loyaltyd_tenant());
GRANT SELECT, INSERT, UPDATE, DELETE ON rewards, coupons TO loyaltyd_app;

-- The outbound events of coupons, reward.redeemed and coupon.used (the trigger's function
-- is sql/functions/65_outbound_coupons.sql, re-created after the migrations; a placeholder
-- until then).
CREATE FUNCTION outbound_coupons() RETURNS trigger LANGUAGE plpgsql
AS $$ BEGIN RAISE EXCEPTION 'placeholder: see sql/functions/65_outbound_coupons.sql'; END $$;
CREATE TRIGGER outbound_coupons_insert AFTER INSERT ON coupons
    REFERENCING NEW TABLE AS after FOR EACH STATEMENT EXECUTE FUNCTION outbound_coupons();
CREATE TRIGGER outbound_coupons_update AFTER UPDATE ON coupons
    REFERENCING OLD TABLE AS before NEW TABLE AS after
    FOR EACH STATEMENT EXECUTE FUNCTION outbound_coupons();
