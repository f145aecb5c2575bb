/** Test officers: rows of `users` (handoffs.assigned_to references them); returns their ids in order. */
import type { Pool } from 'pg';

export async function addOfficers(pool: Pool, prefix: string, count: number): Promise<number[]> {
  const { rows } = await pool.query<{ id: string }>(
    `INSERT INTO users (username, password_hash, roles)
     SELECT $1 || '-' || n, 'x', ARRAY['agent'] FROM generate_series(1, $2::int) n ORDER BY n RETURNING id`,
    [prefix, count],
  );
  return rows.map((r) => Number(r.id));
}
