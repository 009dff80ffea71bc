<?php
/*
 * A PHP integration's onboarding against the SALESmanago emulator, written to the
 * official PHP library's login flow (protocol §2.3, §14) with plain curl:
 *
 *   1. authorization/token   {username, password}  -> token, endpoint (the account's server)
 *   2. account/integration   {token, apiKey}       -> shortId (clientId), sha1 (the signature)
 *   3. user/listByClient     signed with sha1      -> the users (valid owners)
 *   4. contact/upsert        signed with sha1      -> contactId
 *   5. integration/upsert    contact + event       -> contactId, eventId
 *   6. contact/batchupsertv2 100 contacts          -> requestId (an import job)
 *   7. job/status            the import's id       -> fileUrl once applied
 *   8. v2/contact/addBatchContactExtEvent 101 events -> createdAmount
 *
 * Every request has the library's 2 s timeout. Usage:
 *
 *   SALESMANAGO_PASSWORD=... php onboarding.php LOGIN_URL USERNAME CONTACT_EMAIL
 *
 * Prints one JSON object per step (never the password, the token or the sha) and
 * exits 0; on the first failure prints {"step": ..., "error": ...} and exits 1.
 */

declare(strict_types=1);

const TIMEOUT_MS = 2000;

function fail(string $step, string $error): void
{
    echo json_encode(['step' => $step, 'error' => $error]), PHP_EOL;
    exit(1);
}

/** POST a JSON body; the decoded envelope, or fail. */
function post(string $step, string $url, array $body): array
{
    $curl = curl_init($url);
    curl_setopt_array($curl, [
        CURLOPT_POST => true,
        CURLOPT_POSTFIELDS => json_encode($body),
        CURLOPT_HTTPHEADER => ['Content-Type: application/json', 'Accept: application/json'],
        CURLOPT_RETURNTRANSFER => true,
        CURLOPT_CONNECTTIMEOUT_MS => TIMEOUT_MS,
        CURLOPT_TIMEOUT_MS => TIMEOUT_MS,
    ]);
    $started = microtime(true);
    $raw = curl_exec($curl);
    $ms = (int) round((microtime(true) - $started) * 1000);
    $status = (int) curl_getinfo($curl, CURLINFO_RESPONSE_CODE);
    $error = curl_error($curl);
    curl_close($curl);
    if ($raw === false) {
        fail($step, "curl: $error");
    }
    $envelope = json_decode((string) $raw, true);
    if (!is_array($envelope) || !isset($envelope['success'])) {
        fail($step, "HTTP $status with no JSON envelope");
    }
    if ($status !== 200 || $envelope['success'] !== true) {
        fail($step, "HTTP $status: " . implode(' | ', (array) ($envelope['message'] ?? [])));
    }
    $envelope['_ms'] = $ms;
    return $envelope;
}

function report(string $step, array $envelope, array $fields): void
{
    echo json_encode(['step' => $step, 'ms' => $envelope['_ms']] + $fields), PHP_EOL;
}

[$script, $loginUrl, $username, $email] = array_pad($argv, 4, null);
$password = getenv('SALESMANAGO_PASSWORD');
if ($loginUrl === null || $username === null || $email === null || $password === false) {
    fwrite(STDERR, "usage: SALESMANAGO_PASSWORD=... php onboarding.php LOGIN_URL USERNAME CONTACT_EMAIL\n");
    exit(2);
}

// 1. Log in: a temporary token, and the server the account lives on.
$login = post('token', "$loginUrl/api/authorization/token", [
    'username' => $username,
    'password' => $password,
]);
$scheme = parse_url($loginUrl, PHP_URL_SCHEME) ?: 'https';
$server = "$scheme://{$login['endpoint']}";
report('token', $login, ['endpoint' => $login['endpoint'], 'token' => $login['token'] !== '']);

// 2. Trade the token and a random apiKey for the account id and the request signature.
$apiKey = bin2hex(random_bytes(16));
$integration = post('integration', "$server/api/account/integration", [
    'token' => $login['token'],
    'apiKey' => $apiKey,
]);
$clientId = $integration['shortId'];
$sha = $integration['sha1'];
report('integration', $integration, ['clientId' => $clientId, 'sha' => strlen($sha)]);

/** The authentication fields of every signed call (protocol §2.1), requestTime in seconds. */
function auth(string $clientId, string $apiKey, string $sha, string $owner): array
{
    return [
        'clientId' => $clientId,
        'apiKey' => $apiKey,
        'sha' => $sha,
        'requestTime' => time(),
        'owner' => $owner,
    ];
}

// 3. The users: the owners this integration may act as.
$users = post('users', "$server/api/user/listByClient", auth($clientId, $apiKey, $sha, $username));
report('users', $users, ['users' => $users['users']]);

// 4. A contact, signed with the sha the platform answered.
$upsert = post('upsert', "$server/api/contact/upsert", auth($clientId, $apiKey, $sha, $username) + [
    'contact' => ['email' => $email, 'name' => 'PHP Onboarding', 'company' => 'Example Shop'],
    'tags' => ['PHP_ONBOARDING'],
    'forceOptIn' => true,
]);
report('upsert', $upsert, ['contactId' => $upsert['contactId']]);

// 5. The contact and a purchase in one call, each part with its own clientId and owner.
$part = ['clientId' => $clientId, 'owner' => $username];
$both = post('integration/upsert', "$server/api/integration/upsert", auth($clientId, $apiKey, $sha, $username) + [
    'contactUpsertRequest' => $part + ['contact' => ['email' => $email]],
    'addContactExtEventRequest' => $part + [
        'email' => $email,
        'contactEvent' => [
            'contactExtEventType' => 'PURCHASE',
            'date' => time() * 1000,
            'value' => 49.99,
            'products' => 'SKU-1,SKU-2',
            'externalId' => 'php-order-1',
        ],
    ],
]);
report('integration/upsert', $both, ['contactId' => $both['contactId'], 'eventId' => $both['eventId']]);

// 6. The official library's bulk export path: 100 contacts as one asynchronous import.
$details = [];
for ($i = 0; $i < 100; $i++) {
    $details[] = ['contact' => ['email' => "bulk$i@shop.example.com"], 'tags' => ['PHP_BULK']];
}
$import = post('batchupsertv2', "$server/api/contact/batchupsertv2", auth($clientId, $apiKey, $sha, $username) + [
    'upsertDetails' => $details,
    'fireEvents' => false,
    'internalIntegration' => true,
]);
report('batchupsertv2', $import, ['requestId' => $import['requestId']]);

// 7. Poll the job until its file is ready (the emulator's default job is done at once).
$status = post('job/status', "$server/api/job/status", auth($clientId, $apiKey, $sha, $username) + [
    'requestId' => $import['requestId'],
]);
report('job/status', $status, ['fileUrl' => isset($status['fileUrl'])]);

// 8. 101 events in one batch, one past the size of the library's event packages.
$events = [];
for ($i = 0; $i < 101; $i++) {
    $events[] = [
        'email' => 'bulk' . ($i % 100) . '@shop.example.com',
        'contactEvent' => ['contactExtEventType' => 'VISIT', 'date' => time() * 1000, 'externalId' => "php-visit-$i"],
    ];
}
$batch = post('events', "$server/api/v2/contact/addBatchContactExtEvent", auth($clientId, $apiKey, $sha, $username) + [
    'events' => $events,
]);
report('events', $batch, ['createdAmount' => $batch['createdAmount'], 'failedAmount' => $batch['failedAmount']]);
