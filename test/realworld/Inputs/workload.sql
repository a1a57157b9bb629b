-- workload.sql - a deterministic SQL workload for the sqlite3 shell: its
-- output must be the same byte for byte whatever compiled the shell.
.headers on
.mode list
select sqlite_version() as version;

-- Tables, indexes, a view, a trigger; 2000 rows from a recursive CTE.
create table account(id integer primary key, name text not null, region text, balance real);
create index account_region on account(region);
create table ledger(id integer primary key, account integer references account(id),
                    amount integer, note text);
create table audit(account integer, old real, new real);
create trigger account_audit after update of balance on account
  begin insert into audit values (new.id, old.balance, new.balance); end;
with recursive n(i) as (select 1 union all select i + 1 from n where i < 2000)
  insert into account select i, 'acct-' || printf('%04d', i),
    case i % 4 when 0 then 'north' when 1 then 'south' when 2 then 'east' else 'west' end,
    (i * 37) % 1000 / 10.0 from n;
with recursive n(i) as (select 1 union all select i + 1 from n where i < 6000)
  insert into ledger(account, amount, note) select (i * 7) % 2000 + 1, (i * 131) % 997 - 400,
    case when i % 5 = 0 then 'fee' else 'transfer' end from n;
create view region_total as
  select region, count(*) as accounts, round(sum(balance), 1) as balance
  from account group by region;

-- Joins, aggregates, ordering, subqueries.
select * from region_total order by region;
select a.region, count(l.id) as entries, sum(l.amount) as total, min(l.amount), max(l.amount)
  from account a join ledger l on l.account = a.id group by a.region order by total desc;
select name, balance from account
  where id in (select account from ledger group by account having sum(amount) > 2500)
  order by balance desc, name limit 5;
select note, count(*), avg(amount) from ledger group by note order by note;

-- Transactions, a trigger, upsert, delete.
begin;
update account set balance = balance + 100 where region = 'north' and id <= 40;
select count(*) as audited, round(sum(new - old), 1) as added from audit;
rollback;
select count(*) as audited_after_rollback from audit;
create table tally(key text primary key, n integer);
insert into tally select note, 1 from ledger where id <= 20
  on conflict(key) do update set n = n + 1;
select * from tally order by key;
delete from ledger where amount < -390;
select changes() as deleted, count(*) as remaining from ledger;

-- Window functions.
select id, amount, sum(amount) over (order by id rows between 2 preceding and current row) as run3,
       rank() over (order by amount desc) as rnk
  from ledger where account = 8 order by id limit 8;
select region, name, balance, row_number() over (partition by region order by balance desc, id) as r
  from account where id <= 24 order by region, r limit 10;

-- Strings, dates, math, JSON, printf.
select upper('bulkhead'), substr('compartment', 4, 5), replace('a-b-c', '-', '+'),
       instr('protection key', 'key'), length(zeroblob(17)), hex('pku'), quote('it''s');
select date('2024-02-28', '+1 day'), strftime('%Y-%j', '2023-12-31'),
       julianday('2000-01-01') - julianday('1999-12-25');
select round(sqrt(2), 6), round(pi(), 6), power(2, 10), ln(1), 17 % 5, 7 / 2, 7 / 2.0, abs(-3);
select json_object('id', 1, 'keys', json_array(1, 2, 3)), json_extract('{"a":{"b":[4,5]}}', '$.a.b[1]');
select key, value from json_each('{"x":1,"y":"two","z":[3]}') order by key;
select printf('%5.2f|%-6s|%08d|%x', 3.14159, 'ab', 42, 255);
select group_concat(name, ',') from (select name from account where id % 500 = 0 order by id);

-- A temporary table, a correlated subquery, EXISTS, CASE, COALESCE, NULLs.
create temp table t(x, y);
insert into t values (1, null), (2, 'b'), (null, 'c'), (4, 'd');
select coalesce(x, -1), ifnull(y, 'none'), case when x > 1 then 'big' else 'small' end from t order by rowid;
select count(*) from account a where exists (select 1 from ledger l where l.account = a.id and l.amount > 590);
select x, (select count(*) from t t2 where t2.x < t.x) from t where x is not null order by x;

-- The schema and an integrity check.
.schema account
pragma integrity_check;
select count(*) as tables from sqlite_schema where type = 'table';
