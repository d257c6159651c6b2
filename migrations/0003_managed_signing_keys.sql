CREATE TABLE `signing_keys` (
	`kid` text PRIMARY KEY NOT NULL,
	`alg` text NOT NULL,
	`rotation` integer NOT NULL,
	`public_jwk` text NOT NULL,
	`encrypted_private_jwk` text NOT NULL,
	`created_at` integer NOT NULL,
	`activates_at` integer NOT NULL,
	`revoked_at` integer,
	`rotation_requested_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `signing_keys_rotation_alg_idx` ON `signing_keys` (`rotation`,`alg`);