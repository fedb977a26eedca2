-- The next time month-day of d falls on or after `from` (29 February: the 28th in other
-- years).
CREATE OR REPLACE FUNCTION next_anniversary(d date, from_day date) RETURNS date
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN (SELECT CASE WHEN this_year >= from_day THEN this_year ELSE next_year END
            FROM (SELECT make_date(y, m, least(dd, extract(day FROM (make_date(y, m, 1) + interval '1 month - 1 day'))::integer)) AS this_year,
                         make_date(y + 1, m, least(dd, extract(day FROM (make_date(y + 1, m, 1) + interval '1 month - 1 day'))::integer)) AS next_year
                  FROM (SELECT extract(year FROM from_day)::integer AS y, extract(month FROM d)::integer AS m,
                               extract(day FROM d)::integer AS dd) AS parts) AS candidates);
