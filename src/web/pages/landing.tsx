// What a visitor sees first: what the service is and what it costs (every size with its price per
// seat), before anyone registers; then the way to register or log in.
import { get } from '../api-client.ts';
import type { Size } from '../api-types.ts';
import { Loading, ProblemBanner } from '../forms.tsx';
import { formatMoney, formatUploadSize } from '../format.tsx';
import { PageTitle } from '../layout.tsx';
import { Link } from '../router.tsx';
import { useApi } from '../use-api.ts';

export function LandingPage() {
  const sizes = useApi(() => get<{ sizes: Size[] }>('/sizes'), []);
  return (
    <section className="landing">
      <PageTitle>Your own Matrix server, run for you</PageTitle>
      <p className="lead">
        A private chat server for your team, club or company: secure messaging through Element and every other Matrix app, on a server that is yours alone.
        We keep it running, up to date and backed up; you manage its users from this control panel.
      </p>
      <ul className="landing-points">
        <li>Your own server name, or your own domain: user IDs look like @alice:example.com.</li>
        <li>Regular backups, restored with a click; export everything whenever you want to move elsewhere.</li>
        <li>Talks to other Matrix servers if you want it to, or to none at all.</li>
      </ul>
      <div className="actions">
        <Link to="/register" className="button">Register</Link>
        <Link to="/login" className="button secondary">Log in</Link>
      </div>
      <h2>Prices</h2>
      <p>You pay per seat: one seat is one person who uses the server in a month. You can add seats at any time.</p>
      <ProblemBanner problem={sizes.problem} />
      {!sizes.data ? <Loading what="Loading prices" /> : (
        <ul className="choices" data-testid="prices">
          {sizes.data.sizes.map((size) => (
            <li key={size.name} className="choice">
              <span className="choice-title">{size.title}</span>
              <span><strong>{formatMoney(size.pricePerSeatMinor, size.currency)}</strong> per seat per month</span>
              <span className="muted">{size.minSeats.toLocaleString()} to {size.maxSeats.toLocaleString()} seats · files up to {formatUploadSize(size.maxUploadSize)} each</span>
              <span className="muted">From {formatMoney(size.pricePerSeatMinor * size.minSeats, size.currency)} a month</span>
            </li>
          ))}
        </ul>
      )}
      <p className="muted">Prices are before VAT. Before you buy, you see the total with VAT for your country; you can cancel at any time.</p>
    </section>
  );
}
